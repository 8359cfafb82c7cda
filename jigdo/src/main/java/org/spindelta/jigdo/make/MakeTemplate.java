package org.spindelta.jigdo.make;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FormatException;
import org.spindelta.core.InputFile;
import org.spindelta.core.LimitExceededException;
import org.spindelta.core.NonClosingOutputStream;
import org.spindelta.core.Progress;
import org.spindelta.core.StagedOutput;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.format.JigdoFile;
import org.spindelta.jigdo.iso.IsoImage;
import org.spindelta.jigdo.match.Candidate;
import org.spindelta.jigdo.match.CandidateIndex;
import org.spindelta.jigdo.match.ChecksumList;
import org.spindelta.jigdo.match.IsoMatcher;
import org.spindelta.jigdo.match.LabelDirectory;
import org.spindelta.jigdo.match.MatchRegion;
import org.spindelta.jigdo.match.RegionComparison;
import org.spindelta.jigdo.match.RollingScanner;
import org.spindelta.jigdo.template.ImageLayout;
import org.spindelta.jigdo.template.ImagePiece;
import org.spindelta.jigdo.template.ImageTemplateWriter;
import org.spindelta.jigdo.template.JigdoFileWriter;
import org.spindelta.jigdo.template.PartLine;
import org.spindelta.jigdo.template.TemplateOptions;
import org.spindelta.jigdo.template.TemplateSummary;

/**
 * make-template for ISO 9660 images, structure-aware (JTE's idea, without patching the image tool): the
 * image's directory tree says which bytes are which file; candidates of the same size are compared byte
 * for byte with those bytes (or trusted by their checksum in a checksum list), and the template is
 * written in one sequential read of the image, which also checksums each file's bytes there. A region
 * whose bytes match none of its candidates (a candidate changed since the image was made) is left in the
 * template and the template written again. Both outputs appear only when complete. An image that is not ISO 9660 is scanned instead
 * ({@link ScanTemplate}).
 */
public final class MakeTemplate {
    private MakeTemplate() {}

    /**
     * @param labels the candidate directories and their labels
     * @param servers per label, where clients fetch its files ({@code [Servers]}); a label without one is
     *     given its directory as a {@code file:} URI
     * @param minSize smallest file matched (default {@link CandidateIndex#DEFAULT_MIN_SIZE})
     * @param excludes glob patterns of candidate paths (below their label directory) never matched
     * @param checksums digests known in advance; candidates not listed are read
     * @param template checksum kind, DATA part size and level of the template
     * @param gzipJigdo whether the .jigdo is gzip-compressed, as Debian publishes it
     * @param threads for checksumming candidates
     */
    public record Options(List<LabelDirectory> labels, Map<String, List<String>> servers, long minSize,
            List<String> excludes, ChecksumList checksums, TemplateOptions template, boolean gzipJigdo,
            Optional<String> shortInfo, Optional<String> info, int threads) {
        public Options {
            labels = List.copyOf(labels);
            servers = new LinkedHashMap<>(servers);
            excludes = List.copyOf(excludes);
        }
    }

    /**
     * What was made.
     *
     * @param files regular files in the image, or -1 when the image was scanned ({@link ScanTemplate})
     * @param candidates candidate files found below the labels
     * @param matched image files the template refers to instead of storing
     * @param changed image files whose candidates all differ from the image's bytes
     */
    public record Result(TemplateSummary summary, int files, int candidates, int matched, int changed) {}

    public static Result make(Path image, Path jigdoOut, Path templateOut, Options o, Progress progress)
            throws IOException {
        InputFile.refuseAsOutput(jigdoOut, image);
        InputFile.refuseAsOutput(templateOut, image);
        try (FileChannel ch = InputFile.open(image, "IMAGE")) {
            IsoImage iso;
            try {
                iso = IsoImage.read(ch);
            } catch (FormatException | CorruptInputException | LimitExceededException e) {
                // not ISO 9660, or no usable directory tree: scan every offset instead (ScanTemplate)
                return ScanTemplate.make(ch, image, jigdoOut, templateOut, o, RollingScanner.DEFAULT_RANGE_LENGTH,
                        progress).toMakeTemplateResult();
            }
            CandidateIndex candidates = CandidateIndex.scan(o.labels(), o.minSize(), o.excludes());
            List<MatchRegion> regions = IsoMatcher.regions(iso.files(), candidates, o.minSize());
            // candidates are compared with the image's bytes while the image is read and checksummed: the
            // reads overlap on separate cores
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, o.threads() - 1), r -> {
                Thread t = new Thread(r, "jigdo-candidate-compare");
                t.setDaemon(true);
                return t;
            });
            try {
                return write(ch, image, jigdoOut, templateOut, o, progress, iso, candidates, regions,
                        equalCandidates(ch, regions, o, pool));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static Result write(FileChannel ch, Path image, Path jigdoOut, Path templateOut, Options o,
            Progress progress, IsoImage iso, CandidateIndex candidates, List<MatchRegion> regions,
            Map<MatchRegion, Future<Candidate>> pending) throws IOException {
        Map<MatchRegion, Candidate> equal = null;
        Set<MatchRegion> dropped = new HashSet<>();
        while (true) {
            List<MatchRegion> kept = regions.stream().filter(r -> !dropped.contains(r)).toList();
            List<ImagePiece.Matched> matched = new ArrayList<>();
            for (MatchRegion r : kept) {
                matched.add(new ImagePiece.Matched(r.offset(), r.length(), r.candidates().get(0).location()));
            }
            ImageLayout layout = ImageLayout.of(ch.size(), matched);
            try (StagedOutput t = StagedOutput.create(templateOut)) {
                OutputStream out = Channels.newOutputStream(t.channel());
                ImageTemplateWriter.Result w = ImageTemplateWriter.write(ch, layout, new NonClosingOutputStream(out),
                        o.template(), progress);
                out.flush();
                if (equal == null) {
                    equal = join(pending);
                }
                // each region's bytes in the image against its candidates, the likeliest first
                List<PartLine> parts = new ArrayList<>();
                for (int i = 0; i < kept.size(); i++) {
                    byte[] imageSum = w.parts().get(i).checksum();
                    Candidate c = firstMatching(kept.get(i), imageSum, equal.get(kept.get(i)), o.checksums());
                    if (c == null) {
                        dropped.add(kept.get(i));
                    } else {
                        parts.add(new PartLine(imageSum, c.location()));
                    }
                }
                if (parts.size() < kept.size()) {
                    continue; // written again without the regions no candidate matched
                }
                try (StagedOutput j = StagedOutput.create(jigdoOut)) {
                    OutputStream jo = Channels.newOutputStream(j.channel());
                    JigdoFileWriter.write(description(image, jigdoOut, templateOut, w.summary(), parts, o), jo,
                            o.gzipJigdo(), o.template().creator());
                    jo.flush();
                    t.commit();
                    j.commit();
                }
                return new Result(w.summary(), iso.files().size(), candidates.count(), kept.size(),
                        dropped.size());
            }
        }
    }

    static JigdoFileWriter.Description description(Path image, Path jigdo, Path template,
            TemplateSummary summary, List<PartLine> parts, Options o) {
        Map<String, List<JigdoFile.Server>> servers = new LinkedHashMap<>();
        for (LabelDirectory l : o.labels()) {
            List<String> uris = o.servers().getOrDefault(l.label(), List.of("file:" + l.dir() + "/"));
            servers.put(l.label(), uris.stream().map(u -> new JigdoFile.Server(u, false)).toList());
        }
        return description(image, jigdo, template, summary, parts, servers, o);
    }

    /** The .jigdo of a template: its image and template names, the options' infos, these servers and parts. */
    static JigdoFileWriter.Description description(Path image, Path jigdo, Path template, TemplateSummary summary,
            List<PartLine> parts, Map<String, List<JigdoFile.Server>> servers, Options o) {
        Path jigdoDir = jigdo.toAbsolutePath().getParent();
        String templateUri = jigdoDir.relativize(template.toAbsolutePath()).toString();
        return new JigdoFileWriter.Description(image.getFileName().toString(), templateUri, summary, o.shortInfo(),
                o.info(), servers, parts);
    }

    /** Waits for {@code tasks} and returns their results, rethrowing the first failure as the IOException it was. */
    static <T> List<T> await(List<? extends Future<T>> tasks, String what) throws IOException {
        List<T> results = new ArrayList<>(tasks.size());
        try {
            for (Future<T> f : tasks) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while " + what);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    /**
     * The region's first candidate, likeliest first, that holds its bytes: a listed candidate by its
     * listed checksum against the image's, any other by the byte comparison's verdict.
     *
     * @param compared the first unlisted candidate equal to the image's bytes, or null
     */
    private static Candidate firstMatching(MatchRegion r, byte[] imageSum, Candidate compared, ChecksumList lists) {
        for (Candidate c : r.candidates()) {
            byte[] listed = listedSum(c, imageSum.length, lists);
            if (listed != null ? Arrays.equals(listed, imageSum) : c.equals(compared)) {
                return c;
            }
        }
        return null;
    }

    private static byte[] listedSum(Candidate c, int digestLength, ChecksumList lists) {
        ChecksumList.Entry e = lists.find(c.file(), c.size());
        return e != null && e.digest().length == digestLength ? e.digest() : null;
    }

    /**
     * Per region, on {@code pool}: the first of its candidates not in the checksum lists whose bytes equal
     * the image's (null when none does). Listed candidates are not read at all.
     */
    private static Map<MatchRegion, Future<Candidate>> equalCandidates(FileChannel image, List<MatchRegion> regions,
            Options o, ExecutorService pool) {
        int digestLength = o.template().checksum().length();
        ThreadLocal<RegionComparison> comparisons = ThreadLocal.withInitial(() -> new RegionComparison(image));
        Map<MatchRegion, Future<Candidate>> verdicts = new LinkedHashMap<>();
        for (MatchRegion r : regions) {
            verdicts.put(r, pool.submit(() -> {
                for (Candidate c : r.candidates()) {
                    if (listedSum(c, digestLength, o.checksums()) == null
                            && comparisons.get().equal(c, r.offset(), r.length())) {
                        return c;
                    }
                }
                return null;
            }));
        }
        return verdicts;
    }

    private static Map<MatchRegion, Candidate> join(Map<MatchRegion, Future<Candidate>> pending) throws IOException {
        List<MatchRegion> regions = List.copyOf(pending.keySet());
        List<Candidate> verdicts = await(List.copyOf(pending.values()), "comparing candidates");
        Map<MatchRegion, Candidate> equal = new HashMap<>();
        for (int i = 0; i < regions.size(); i++) {
            equal.put(regions.get(i), verdicts.get(i));
        }
        return equal;
    }
}
