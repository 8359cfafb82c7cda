package org.spindelta.jigdo.template;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.Progress;
import org.spindelta.jigdo.checksum.ChecksumPipeline;
import org.spindelta.jigdo.format.Rsync64Sum;
import org.spindelta.jigdo.format.TemplateFormat;

/**
 * Writes a template for an image file from its {@link ImageLayout}, in one sequential read of the image
 * (its checksums computed on two more threads, see {@link ChecksumPipeline}):
 * unmatched pieces are copied into the template; matched pieces are checksummed (their rsync64 head sum
 * and MD5 or SHA-256) from the image's own bytes; the whole image is checksummed for the image-info
 * entry. The result carries the {@code [Parts]} lines for {@link JigdoFileWriter}.
 */
public final class ImageTemplateWriter {
    private ImageTemplateWriter() {}

    /**
     * What was written.
     *
     * @param summary the template's sizes and checksums
     * @param parts one line per matched piece, in image order, with its checksum
     */
    public record Result(TemplateSummary summary, List<PartLine> parts) {}

    /**
     * Writes the template of the image in {@code image} laid out as {@code layout} to {@code out}.
     *
     * @throws CorruptInputException if the image's length differs from the layout's
     */
    public static Result write(FileChannel image, ImageLayout layout, OutputStream out, TemplateOptions options,
            Progress progress) throws IOException {
        if (image.size() != layout.imageLength()) {
            throw new CorruptInputException("image is " + image.size() + " bytes but its layout describes "
                    + layout.imageLength());
        }
        progress.start("template", layout.imageLength());
        List<PartLine> lines = new ArrayList<>();
        // the image's checksum and each part's are computed on two threads of the pipeline while this one
        // reads, takes the rsync64 head sums and compresses the unmatched bytes
        try (TemplateWriter w = TemplateWriter.open(out, options);
                ChecksumPipeline sums = new ChecksumPipeline(options.checksum())) {
            for (ImagePiece p : layout.pieces()) {
                boolean matched = p instanceof ImagePiece.Matched;
                Rsync64Sum rsync = new Rsync64Sum();
                long done = 0;
                while (done < p.length()) {
                    byte[] buf = sums.take();
                    int n = (int) Math.min(buf.length, p.length() - done);
                    ChannelInput.readFully(image, p.offset() + done, buf, 0, n, "image");
                    if (!matched) {
                        w.unmatched(buf, 0, n);
                    } else if (done < TemplateFormat.DEFAULT_BLOCK_LENGTH) {
                        rsync.update(buf, 0, (int) Math.min(n, TemplateFormat.DEFAULT_BLOCK_LENGTH - done));
                    }
                    sums.submit(buf, n, matched); // the buffer is the pipeline's from here on
                    done += n;
                    progress.advance(n);
                }
                if (p instanceof ImagePiece.Matched m) {
                    byte[] sum = sums.endPart();
                    w.matched(m.length(), rsync.toBytes(), sum);
                    lines.add(new PartLine(sum, m.location()));
                }
            }
            return new Result(w.finish(sums.finish()), lines);
        }
    }
}
