package org.spindelta.jigdo.rebuild;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.InputFile;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;
import org.spindelta.core.StagedOutput;
import org.spindelta.core.VerificationException;
import org.spindelta.jigdo.checksum.ChecksumPipeline;
import org.spindelta.jigdo.format.Template;

/**
 * The make-image and verify operations end to end: find every part first (a missing one stops the run
 * before anything is written), build into a temporary file beside OUT, verify, rename into place.
 */
public final class MakeImage {
    private MakeImage() {}

    /**
     * Builds the whole image into {@code out}.
     *
     * @throws MissingPartsException before anything is written, if parts are missing
     * @throws VerificationException if a part or the image has the wrong checksum; nothing is left at OUT
     */
    public static ImageAssembler.Result image(RebuildInput in, PartSources sources, Path out, Progress progress)
            throws IOException {
        InputFile.refuseAsOutput(out, in.input(), in.templatePath());
        Map<PartKey, PartFile> parts = in.locator(sources).locate(ImageAssembler.needed(in.template()), progress);
        try (StagedOutput staged = StagedOutput.create(out)) {
            ImageAssembler.Result r = ImageAssembler.assemble(in.channel(), in.template(), parts, staged.channel(),
                    progress);
            staged.commit();
            return r;
        }
    }

    /** Writes exactly the bytes of {@code range} into {@code out}; see {@link ImageAssembler#writeRange}. */
    public static void range(RebuildInput in, PartSources sources, ByteRange range, Path out, Progress progress)
            throws IOException {
        InputFile.refuseAsOutput(out, in.input(), in.templatePath());
        range.checkWithin(in.template().imageLength());
        Map<PartKey, PartFile> parts = in.locator(sources).locate(ImageAssembler.needed(in.template(), range), progress);
        try (StagedOutput staged = StagedOutput.create(out)) {
            ImageAssembler.writeRange(in.channel(), in.template(), parts, range, staged.channel(), progress);
            staged.commit();
        }
    }

    /**
     * Checks that {@code image} is the image {@code template} describes: its length and checksum.
     *
     * @throws VerificationException naming what differs
     */
    public static byte[] verify(Path image, Template template, Progress progress) throws IOException {
        try (FileChannel ch = InputFile.open(image, "IMAGE")) {
            long size = ch.size();
            if (size != template.imageLength()) {
                throw new VerificationException(image + " has " + size + " bytes; the template's image has "
                        + template.imageLength());
            }
            progress.start("verify", size);
            byte[] sum;
            try (ChecksumPipeline sums = new ChecksumPipeline(template.checksumKind())) {
                for (long done = 0; done < size; ) { // reads overlap hashing on the pipeline's thread
                    byte[] buf = sums.take();
                    int n = (int) Math.min(buf.length, size - done);
                    ChannelInput.readFully(ch, done, buf, 0, n, "IMAGE " + image);
                    sums.submit(buf, n, false);
                    done += n;
                    progress.advance(n);
                }
                sum = sums.finish();
            }
            if (!Sha256.equal(sum, template.imageInfo().checksum())) {
                throw new VerificationException(image + " has " + template.checksumKind().label() + " "
                        + Sha256.hex(sum) + " but the template's image has " + Sha256.hex(template.imageInfo().checksum()));
            }
            return sum;
        }
    }
}
