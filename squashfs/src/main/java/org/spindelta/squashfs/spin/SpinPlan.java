package org.spindelta.squashfs.spin;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.spindelta.core.ByteSize;
import org.spindelta.core.Sha256;

/**
 * Everything a spin patch says besides its content patch: which BASE and target it is for (size and
 * SHA-256), the images in each, the reference stream (OLD) the content patch was made against, and the
 * ops that rebuild the target from BASE and the content stream (NEW), and, for people, what the ops do
 * per path (the contributors, largest first; applying does not use them). A value object:
 * {@link #explain()} prints what the patch will do.
 */
public record SpinPlan(long baseLength, byte[] baseSha256, long targetLength, byte[] targetSha256,
        List<ImageInfo> baseImages, List<ImageInfo> targetImages, List<Sample> samples, List<Source> sources,
        List<Op> ops, List<Contributor> contributors) {

    /** Contributors {@link #explain()} lists by default. */
    public static final int EXPLAIN_TOP = 20;

    public SpinPlan {
        baseImages = List.copyOf(baseImages);
        targetImages = List.copyOf(targetImages);
        samples = List.copyOf(samples);
        sources = List.copyOf(sources);
        ops = List.copyOf(ops);
        contributors = List.copyOf(contributors);
    }

    /** Bytes of OLD: the sum of the sources. */
    public long oldLength() {
        return sources.stream().mapToLong(Source::length).sum();
    }

    /** Bytes of NEW: what the ops consume. */
    public long newLength() {
        return ops.stream().mapToLong(Op::newLength).sum();
    }

    /** {@link #explain(int)} with the {@link #EXPLAIN_TOP} largest contributors. */
    public String explain() {
        return explain(EXPLAIN_TOP);
    }

    /**
     * A few lines: inputs, images, per kind of op how many and how many target bytes, then the
     * {@code top} paths that put the most bytes into the content stream (all with a negative
     * {@code top}).
     */
    public String explain(int top) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "base   %,d bytes, SHA-256 %s%n", baseLength, Sha256.hex(baseSha256)));
        sb.append(String.format(Locale.ROOT, "target %,d bytes, SHA-256 %s%n", targetLength,
                Sha256.hex(targetSha256)));
        baseImages.forEach(i -> sb.append("base   ").append(i).append('\n'));
        targetImages.forEach(i -> sb.append("target ").append(i).append('\n'));
        long[] count = new long[3];
        long[] bytes = new long[3];
        long decoded = 0;
        for (Op op : ops) {
            int k = op instanceof Op.Copy ? 0 : op instanceof Op.Literal ? 1 : 2;
            count[k]++;
            bytes[k] += op.targetLength();
            if (op instanceof Op.Recompress r) {
                decoded += r.decodedLength();
            }
        }
        sb.append(String.format(Locale.ROOT, "copy        %,9d ops  %,15d bytes from base%n", count[0], bytes[0]));
        sb.append(String.format(Locale.ROOT, "literal     %,9d ops  %,15d bytes shipped as they are%n", count[1],
                bytes[1]));
        sb.append(String.format(Locale.ROOT, "recompress  %,9d ops  %,15d bytes from %,d shipped decoded%n", count[2],
                bytes[2], decoded));
        sb.append(String.format(Locale.ROOT, "reference   %,9d pieces %,13d bytes of base (OLD), content %s (NEW)%n",
                sources.size(), oldLength(), ByteSize.format(newLength())));
        sb.append(String.format(Locale.ROOT, "self-test   %,9d sample blocks%n", samples.size()));
        if (!contributors.isEmpty()) {
            int n = top < 0 ? contributors.size() : Math.min(top, contributors.size());
            sb.append(String.format(Locale.ROOT, "%nby path, most bytes shipped first (%d of %d%s):%n", n,
                    contributors.size(), n < contributors.size() ? "; explain --all lists every one" : ""));
            sb.append(String.format(Locale.ROOT, "%15s %15s %15s %15s %15s  %s%n", "shipped", "diffed", "recompressed",
                    "literal", "copied", "path"));
            for (Contributor c : contributors.subList(0, n)) {
                sb.append(String.format(Locale.ROOT, "%,15d %,15d %,15d %,15d %,15d  %s%n", c.shipped(), c.diffed(),
                        c.recompressed(), c.literal(), c.copied(), c.path()));
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpinPlan p && baseLength == p.baseLength && targetLength == p.targetLength
                && Arrays.equals(baseSha256, p.baseSha256) && Arrays.equals(targetSha256, p.targetSha256)
                && baseImages.equals(p.baseImages) && targetImages.equals(p.targetImages) && samples.equals(p.samples)
                && sources.equals(p.sources) && ops.equals(p.ops) && contributors.equals(p.contributors);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(targetSha256);
    }
}
