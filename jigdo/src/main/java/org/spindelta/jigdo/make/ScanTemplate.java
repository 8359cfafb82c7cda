package org.spindelta.jigdo.make;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.spindelta.core.InputFile;
import org.spindelta.core.NonClosingOutputStream;
import org.spindelta.core.Progress;
import org.spindelta.core.StagedOutput;
import org.spindelta.jigdo.match.CandidateIndex;
import org.spindelta.jigdo.match.HeadIndex;
import org.spindelta.jigdo.match.LabelDirectory;
import org.spindelta.jigdo.match.MatchResolver;
import org.spindelta.jigdo.match.RollingScanner;
import org.spindelta.jigdo.template.ImageLayout;
import org.spindelta.jigdo.template.ImagePiece;
import org.spindelta.jigdo.template.ImageTemplateWriter;
import org.spindelta.jigdo.template.JigdoFileWriter;
import org.spindelta.jigdo.template.TemplateSummary;

/**
 * make-template for any image, by content alone: jigdo-file's rolling rsync64 scan at every offset
 * ({@link RollingScanner}), on all cores, keeping of the verified matches those covering the most bytes
 * ({@link MatchResolver}), so a large file is never lost to small files inside it. For images that are not
 * ISO 9660 (tar archives, disk images, SquashFS) or when asked ({@code --scan}). The same
 * {@link MakeTemplate.Options} apply: labels, minimum size, excludes, checksum lists (a listed candidate is
 * verified by the digest of the image's bytes and read only for its first block), template kind, .jigdo
 * details and threads.
 *
 * <p>The image is read three times (scan; each match again, to verify; the template), all but the
 * verification sequentially; memory is bounded by the candidates and the matches, never the image.
 */
public final class ScanTemplate {
    private ScanTemplate() {}

    /**
     * What was made.
     *
     * @param candidates candidate files at least the minimum size (and the scan block) long
     * @param matches places in the image the template refers to instead of storing
     * @param files distinct candidate files among them
     * @param found verified matches before overlaps were resolved
     * @param verifications candidate comparisons made where a head's sum hit
     * @param blockLength the rsync64 window of the scan
     */
    public record Result(TemplateSummary summary, int candidates, int matches, int files, int found,
            long verifications, int blockLength) {
        /** As {@link MakeTemplate.Result}: the image's files are not known, so {@code files} is -1. */
        public MakeTemplate.Result toMakeTemplateResult() {
            return new MakeTemplate.Result(summary, -1, candidates, matches, 0);
        }
    }

    /** Makes a .jigdo and .template for {@code image} by scanning it. Both outputs appear only when complete. */
    public static Result make(Path image, Path jigdoOut, Path templateOut, MakeTemplate.Options o, Progress progress)
            throws IOException {
        InputFile.refuseAsOutput(jigdoOut, image);
        InputFile.refuseAsOutput(templateOut, image);
        try (FileChannel ch = InputFile.open(image, "IMAGE")) {
            return make(ch, image, jigdoOut, templateOut, o, RollingScanner.DEFAULT_RANGE_LENGTH, progress);
        }
    }

    /** As {@link #make(Path, Path, Path, MakeTemplate.Options, Progress)} on an open image, scanned in ranges of {@code rangeLength}. */
    static Result make(FileChannel ch, Path image, Path jigdoOut, Path templateOut, MakeTemplate.Options o,
            int rangeLength, Progress progress) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, o.threads()), r -> {
            Thread t = new Thread(r, "jigdo-scan");
            t.setDaemon(true);
            return t;
        });
        HeadIndex heads;
        RollingScanner.Scan scan;
        try {
            CandidateIndex candidates = CandidateIndex.scan(o.labels(), o.minSize(), o.excludes());
            heads = HeadIndex.build(candidates.all(), o.labels().stream().map(LabelDirectory::label).toList(),
                    o.minSize(), o.checksums(), pool);
            scan = RollingScanner.scan(ch, heads, pool, rangeLength, progress);
        } finally {
            pool.shutdownNow();
        }
        List<RollingScanner.Match> chosen = MatchResolver.resolve(scan.matches());
        List<ImagePiece.Matched> matched = new ArrayList<>(chosen.size());
        Set<Path> files = new HashSet<>();
        for (RollingScanner.Match m : chosen) {
            matched.add(new ImagePiece.Matched(m.offset(), m.length(), m.head().candidate().location()));
            files.add(m.head().candidate().file());
        }
        ImageLayout layout = ImageLayout.of(ch.size(), matched);
        try (StagedOutput t = StagedOutput.create(templateOut)) {
            OutputStream out = Channels.newOutputStream(t.channel());
            ImageTemplateWriter.Result w = ImageTemplateWriter.write(ch, layout, new NonClosingOutputStream(out),
                    o.template(), progress);
            out.flush();
            try (StagedOutput j = StagedOutput.create(jigdoOut)) {
                OutputStream jo = Channels.newOutputStream(j.channel());
                JigdoFileWriter.write(MakeTemplate.description(image, jigdoOut, templateOut, w.summary(), w.parts(), o),
                        jo, o.gzipJigdo(), o.template().creator());
                jo.flush();
                t.commit();
                j.commit();
            }
            return new Result(w.summary(), heads.size(), chosen.size(), files.size(), scan.matches().size(),
                    scan.verifications(), heads.blockLength());
        }
    }
}
