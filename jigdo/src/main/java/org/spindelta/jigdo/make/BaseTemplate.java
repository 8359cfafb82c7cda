package org.spindelta.jigdo.make;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.InputFile;
import org.spindelta.core.NonClosingOutputStream;
import org.spindelta.core.Progress;
import org.spindelta.core.StagedOutput;
import org.spindelta.core.UnsupportedFormatException;
import org.spindelta.jigdo.format.JigdoFile;
import org.spindelta.jigdo.format.RangeLocation;
import org.spindelta.jigdo.match.RegionComparison;
import org.spindelta.jigdo.template.ImageLayout;
import org.spindelta.jigdo.template.ImagePiece;
import org.spindelta.jigdo.template.ImageTemplateWriter;
import org.spindelta.jigdo.template.JigdoFileWriter;
import org.spindelta.jigdo.template.PartLine;
import org.spindelta.jigdo.template.TemplateSummary;
import org.spindelta.squashfs.chunk.Chunk;
import org.spindelta.squashfs.spin.ImageLocator;

/**
 * make-template for a SquashFS spin against its base image ({@code --base}): the parts are byte ranges of
 * the base image, so a localized spin becomes a template of its new bytes plus references into the base
 * image, which make-image reads straight from it. Both images are decomposed with the chunk map (the
 * images may be carried in other files, e.g. live ISOs); every chunk of the spin (data block, fragment
 * block, metadata block) whose exact bytes are a chunk of the base is taken from the base. Chunks that
 * follow each other in both images make one part, so a part is usually a long run of the base image,
 * and the template's DESC table stays small. Runs shorter than the minimum length stay in the template.
 * Candidates are found by length and CRC32C and accepted only after a byte-for-byte comparison.
 */
public final class BaseTemplate {
    /** The [Servers] label of the base image's parts. */
    public static final String LABEL = "Base";

    private BaseTemplate() {}

    /**
     * What was made.
     *
     * @param chunks chunks of the spin's SquashFS images
     * @param fromBase those found in the base image
     * @param parts runs of the base image the template refers to (at least the minimum length each)
     * @param baseBytes spin bytes those parts supply
     */
    public record Result(TemplateSummary summary, int chunks, int fromBase, int parts, long baseBytes) {}

    /** A base chunk's identity for lookup; equal keys are then compared byte for byte. */
    private record Key(long length, int crc) {}

    public static Result make(Path image, Path base, Path jigdoOut, Path templateOut, MakeTemplate.Options o,
            Progress progress) throws IOException {
        InputFile.refuseAsOutput(jigdoOut, image, base);
        InputFile.refuseAsOutput(templateOut, image, base);
        try (FileChannel spin = InputFile.open(image, "IMAGE");
                FileChannel old = InputFile.open(base, "BASE")) {
            List<ImageLocator.Found> spinImages = ImageLocator.find(spin);
            List<ImageLocator.Found> baseImages = ImageLocator.find(old);
            if (spinImages.isEmpty()) {
                throw new UnsupportedFormatException("IMAGE " + image + " holds no SquashFS image; --base templates "
                        + "are made of SquashFS chunks");
            }
            if (baseImages.isEmpty()) {
                throw new UnsupportedFormatException("BASE " + base + " holds no SquashFS image");
            }
            List<long[]> spinChunks = chunks(spinImages);
            List<long[]> baseChunks = chunks(baseImages);
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, o.threads()), r -> {
                Thread t = new Thread(r, "jigdo-base-chunks");
                t.setDaemon(true);
                return t;
            });
            Map<Key, List<Long>> index = new HashMap<>();
            int[] spinCrc;
            try {
                int[] baseCrc = crcs(old, baseChunks, pool);
                for (int i = 0; i < baseChunks.size(); i++) {
                    long[] c = baseChunks.get(i);
                    index.computeIfAbsent(new Key(c[1], baseCrc[i]), k -> new ArrayList<>(1)).add(c[0]);
                }
                spinCrc = crcs(spin, spinChunks, pool);
            } finally {
                pool.shutdownNow();
            }
            String location = LABEL + ":" + base.getFileName();
            Runs runs = new Runs(spin, old, o.minSize(), location);
            for (int i = 0; i < spinChunks.size(); i++) {
                long[] c = spinChunks.get(i);
                runs.add(c[0], c[1], index.getOrDefault(new Key(c[1], spinCrc[i]), List.of()));
            }
            runs.close();
            ImageLayout layout = ImageLayout.of(spin.size(), runs.matched);
            try (StagedOutput t = StagedOutput.create(templateOut);
                    StagedOutput j = StagedOutput.create(jigdoOut)) {
                OutputStream out = Channels.newOutputStream(t.channel());
                ImageTemplateWriter.Result w = ImageTemplateWriter.write(spin, layout, new NonClosingOutputStream(out),
                        o.template(), progress);
                out.flush();
                Map<String, List<JigdoFile.Server>> servers = new LinkedHashMap<>();
                List<String> uris = o.servers().getOrDefault(LABEL,
                        List.of("file:" + base.toAbsolutePath().getParent() + "/"));
                servers.put(LABEL, uris.stream().map(u -> new JigdoFile.Server(u, false)).toList());
                OutputStream jo = Channels.newOutputStream(j.channel());
                JigdoFileWriter.write(MakeTemplate.description(image, jigdoOut, templateOut, w.summary(), w.parts(),
                        servers, o), jo, o.gzipJigdo(), o.template().creator());
                jo.flush();
                t.commit();
                j.commit();
                return new Result(w.summary(), spinChunks.size(), runs.chunksFromBase, runs.matched.size(),
                        runs.matchedBytes);
            }
        }
    }

    /** Every chunk of the images as {absolute offset, length}, in file order. */
    private static List<long[]> chunks(List<ImageLocator.Found> images) {
        List<long[]> out = new ArrayList<>();
        for (ImageLocator.Found f : images) {
            for (Chunk c : f.map().chunks()) {
                out.add(new long[] {f.offset() + c.offset(), c.length()});
            }
        }
        return out;
    }

    /** CRC32C of every chunk, read on {@code pool} in slices. */
    private static int[] crcs(FileChannel ch, List<long[]> chunks, ExecutorService pool) throws IOException {
        int[] out = new int[chunks.size()];
        int slices = 64;
        List<Future<Object>> done = new ArrayList<>();
        for (int s = 0; s < slices; s++) {
            int from = (int) ((long) chunks.size() * s / slices);
            int to = (int) ((long) chunks.size() * (s + 1) / slices);
            done.add(pool.submit(() -> {
                byte[] buf = new byte[1 << 16];
                CRC32C crc = new CRC32C();
                for (int i = from; i < to; i++) {
                    long[] c = chunks.get(i);
                    crc.reset();
                    for (long p = 0; p < c[1]; ) {
                        int n = (int) Math.min(buf.length, c[1] - p);
                        ChannelInput.readFully(ch, c[0] + p, buf, 0, n, "image");
                        crc.update(buf, 0, n);
                        p += n;
                    }
                    out[i] = (int) crc.getValue();
                }
                return null;
            }));
        }
        MakeTemplate.await(done, "checksumming chunks");
        return out;
    }

    /**
     * Spin chunks found in the base, joined into runs: a chunk that continues the current run in both images
     * extends it; otherwise it starts a new one at the first base chunk with its bytes.
     */
    private static final class Runs {
        private final FileChannel base;
        private final long minLength;
        private final String location;
        private final RegionComparison comparison;
        final List<ImagePiece.Matched> matched = new ArrayList<>();
        int chunksFromBase;
        long matchedBytes;
        private long spinStart = -1;
        private long baseStart;
        private long length;

        Runs(FileChannel spin, FileChannel base, long minLength, String location) {
            this.comparison = new RegionComparison(spin);
            this.base = base;
            this.minLength = minLength;
            this.location = location;
        }

        void add(long offset, long len, List<Long> candidates) throws IOException {
            boolean continues = spinStart >= 0 && spinStart + length == offset;
            if (continues && candidates.contains(baseStart + length) && equal(offset, baseStart + length, len)) {
                length += len;
                chunksFromBase++;
                return;
            }
            close();
            for (long at : candidates) {
                if (equal(offset, at, len)) {
                    spinStart = offset;
                    baseStart = at;
                    length = len;
                    chunksFromBase++;
                    return;
                }
            }
        }

        void close() {
            if (spinStart >= 0 && length >= minLength) {
                matched.add(new ImagePiece.Matched(spinStart, length,
                        new RangeLocation(location, baseStart, length).toString()));
                matchedBytes += length;
            }
            spinStart = -1;
        }

        private boolean equal(long spinAt, long baseAt, long len) throws IOException {
            return comparison.equal(base, baseAt, spinAt, len);
        }
    }
}
