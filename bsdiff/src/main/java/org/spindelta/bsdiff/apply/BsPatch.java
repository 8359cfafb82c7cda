package org.spindelta.bsdiff.apply;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.spindelta.bsdiff.format.Bsdiff40Trailer;
import org.spindelta.bsdiff.format.FormatConstants;
import org.spindelta.bsdiff.format.PatchFormat;
import org.spindelta.bsdiff.format.SignMagnitude;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FormatException;
import org.spindelta.core.InputFile;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.StagedOutput;
import org.spindelta.core.TrailingSha256;
import org.spindelta.core.VerificationException;

/**
 * Applies a patch of any supported format (detected by magic) to OLD, producing NEW through a
 * staged output that is renamed into place only after verification. Streams: memory is a few
 * MiB per thread whatever the file sizes; the patch is never read whole into memory.
 */
public final class BsPatch {
    /** Read-ahead for each compressed block stream. */
    private static final int STREAM_BUFFER = 1 << 16;

    private BsPatch() {}

    /** Identifies a patch by its magic. */
    public static PatchFormat detect(FileChannel patch) throws IOException {
        byte[] head = new byte[FormatConstants.MAX_MAGIC_LENGTH];
        int n = (int) Math.min(head.length, patch.size());
        ChannelInput.readFully(patch, 0, head, 0, n, "PATCH");
        if (n >= 8 && Arrays.equals(head, 0, 8, FormatConstants.BSDIFF40_MAGIC, 0, 8)) {
            return PatchFormat.BSDIFF40;
        }
        if (n >= 16 && Arrays.equals(head, 0, 16, FormatConstants.BSDIFF43_MAGIC, 0, 16)) {
            return PatchFormat.BSDIFF43;
        }
        if (n >= 8 && Arrays.equals(head, 0, 8, FormatConstants.SPDW_MAGIC, 0, 8)) {
            return PatchFormat.SPDW_XZ; // the codec is read from the header proper
        }
        throw new FormatException("PATCH is not a bsdiff patch: its first bytes match neither BSDIFF40, "
                + "ENDSLEY/BSDIFF43 nor SPDW");
    }

    /**
     * Applies {@code patchFile} to {@code oldFile}, writing {@code newFile}.
     *
     * @throws FormatException the patch is of no known format
     * @throws CorruptInputException the patch is truncated or inconsistent (the message names the block and value)
     * @throws VerificationException the patch was made for another OLD, or the result does not hash to the recorded value
     * @throws SpindeltaException the output cannot be written or would overwrite an input
     */
    public static ApplyResult apply(Path oldFile, Path patchFile, Path newFile, ApplyOptions options, Progress progress)
            throws IOException {
        InputFile.refuseAsOutput(newFile, oldFile, patchFile);
        try (FileChannel old = InputFile.open(oldFile, "OLD");
                FileChannel patch = InputFile.open(patchFile, "PATCH");
                StagedOutput out = StagedOutput.create(newFile)) {
            PatchFormat format = detect(patch);
            ApplyResult result = switch (format) {
                case BSDIFF40 -> applyBsdiff40(old, oldFile, patch, out, progress);
                case BSDIFF43 -> applyBsdiff43(old, patch, out, progress);
                default -> SpdwApplier.apply(old, oldFile, patch, out, options, progress);
            };
            out.commit();
            return result;
        }
    }

    // ---------------------------------------------------------------- BSDIFF40

    private static ApplyResult applyBsdiff40(FileChannel old, Path oldFile, FileChannel patch, StagedOutput out,
            Progress progress) throws IOException {
        long patchSize = patch.size();
        byte[] h = new byte[FormatConstants.BSDIFF40_HEADER_SIZE];
        if (patchSize < h.length) {
            throw new CorruptInputException("BSDIFF40 patch is " + patchSize + " bytes, shorter than its 32-byte header");
        }
        ChannelInput.readFully(patch, 0, h, 0, h.length, "PATCH");
        long ctrlLen = SignMagnitude.decode(h, 8, "control block length (header byte 8)");
        long diffLen = SignMagnitude.decode(h, 16, "diff block length (header byte 16)");
        long newSize = SignMagnitude.decode(h, 24, "new size (header byte 24)");
        if (ctrlLen < 0 || diffLen < 0 || newSize < 0 || ctrlLen > patchSize - h.length
                || diffLen > patchSize - h.length - ctrlLen) {
            boolean truncated = ctrlLen >= 0 && diffLen >= 0 && newSize >= 0;
            throw new CorruptInputException("BSDIFF40 header lengths out of range: control " + ctrlLen + ", diff " + diffLen
                    + ", new size " + newSize + " in a patch of " + patchSize + " bytes"
                    + (truncated ? " (truncated?)" : ""));
        }
        long ctrlStart = h.length;
        long diffStart = ctrlStart + ctrlLen;
        long extraStart = diffStart + diffLen;
        long oldSize = old.size();

        // Pass 1 over the small control block finds the trailer before any write. OLD's bounds are not
        // applied yet: a patch for another OLD must be reported as such, not as corrupt; pass 2 checks them.
        Bsdiff40Trailer trailer;
        try (InputStream ctrl = bzip2(patch, ctrlStart, diffStart, "control block")) {
            trailer = scanControls(ctrl, Long.MAX_VALUE, newSize);
        }
        long[] blocks = {ctrlStart, diffStart, extraStart, patchSize};
        if (trailer == null) {
            return applyBsdiff40Blocks(old, null, patch, blocks, newSize, null, out, progress);
        }
        return verifyingOld(old, oldFile, trailer.oldSize(), trailer.oldSha256(), oldHash -> applyBsdiff40Blocks(old,
                oldHash, patch, blocks, newSize, trailer.newSha256(), out, progress));
    }

    private static ApplyResult applyBsdiff40Blocks(FileChannel old, TrailingSha256 oldHash, FileChannel patch,
            long[] blocks, long newSize, byte[] newSha, StagedOutput out, Progress progress) throws IOException {
        try {
            return applyBsdiff40Blocks(old, oldHash, patch, blocks, newSize, true, newSha, out, progress);
        } catch (BlockwiseBzip2.Fallback e) {
            // a chance block magic inside coded bits, or damage: the sequential decoder has the last word
            return applyBsdiff40Blocks(old, oldHash, patch, blocks, newSize, false, newSha, out, progress);
        }
    }

    /**
     * Writes NEW from the three blocks (starts and end in {@code blocks}). The diff block is decoded
     * {@link BlockwiseBzip2 block by block} if {@code blockwise}, which may throw its Fallback.
     */
    private static ApplyResult applyBsdiff40Blocks(FileChannel old, TrailingSha256 oldHash, FileChannel patch,
            long[] blocks, long newSize, boolean blockwise, byte[] newSha, StagedOutput out, Progress progress)
            throws IOException {
        progress.start("apply", newSize);
        NewSink sink = new NewSink(out.channel(), 0, progress, true);
        try (InputStream ctrl = bzip2(patch, blocks[0], blocks[1], "control block");
                InputStream diff = new ReadAheadStream(blockwise ? blockwise(patch, blocks[1], blocks[2], "diff block")
                        : bzip2(patch, blocks[1], blocks[2], "diff block"), "bzip2-diff");
                InputStream extra = new ReadAheadStream(bzip2(patch, blocks[2], blocks[3], "extra block"),
                        "bzip2-extra")) {
            applyControls(ctrl, "control block", diff, "diff block", extra, "extra block",
                    new OldReader(old, old.size(), oldHash), sink, newSize);
        }
        sink.flush();
        return finish(PatchFormat.BSDIFF40, sink, newSize, newSha);
    }

    /** Reads all control entries, checking each, and returns the trailer after the last (or null). */
    private static Bsdiff40Trailer scanControls(InputStream ctrl, long oldSize, long newSize) throws IOException {
        ControlWalk walk = new ControlWalk(oldSize, newSize);
        while (walk.hasNext()) {
            walk.next(ctrl, "control block");
            walk.finish();
        }
        byte[] rest = new byte[FormatConstants.TRAILER_SIZE + 1];
        int n = ctrl.readNBytes(rest, 0, rest.length);
        return Bsdiff40Trailer.parse(rest, n);
    }

    // ---------------------------------------------------------------- ENDSLEY/BSDIFF43

    private static ApplyResult applyBsdiff43(FileChannel old, FileChannel patch, StagedOutput out, Progress progress)
            throws IOException {
        long patchSize = patch.size();
        byte[] h = new byte[FormatConstants.BSDIFF43_HEADER_SIZE];
        if (patchSize < h.length) {
            throw new CorruptInputException("BSDIFF43 patch is " + patchSize + " bytes, shorter than its 24-byte header");
        }
        ChannelInput.readFully(patch, 0, h, 0, h.length, "PATCH");
        long newSize = SignMagnitude.decode(h, 16, "new size (header byte 16)");
        if (newSize < 0) {
            throw new CorruptInputException("BSDIFF43 new size " + newSize + " is negative");
        }
        long oldSize = old.size();
        progress.start("apply", newSize);
        NewSink sink = new NewSink(out.channel(), 0, progress, true);
        try (InputStream in = new ReadAheadStream(bzip2(patch, h.length, patchSize, "patch stream"),
                "bzip2-patch")) {
            applyControls(in, "patch stream", in, "patch stream", in, "patch stream",
                    new OldReader(old, oldSize, null), sink, newSize);
        }
        sink.flush();
        return finish(PatchFormat.BSDIFF43, sink, newSize, null);
    }

    // ---------------------------------------------------------------- shared

    /**
     * bspatch.c's loop: for each checked control triple, add diff bytes to OLD's, copy extra bytes.
     * BSDIFF40 passes three streams, BSDIFF43 the same interleaved stream three times.
     */
    private static void applyControls(InputStream ctrl, String ctrlName, InputStream diff, String diffName,
            InputStream extra, String extraName, OldReader old, NewSink sink, long newSize) throws IOException {
        ControlWalk walk = new ControlWalk(old.size(), newSize);
        while (walk.hasNext()) {
            walk.next(ctrl, ctrlName);
            sink.addDiff(diff, old, walk.oldPos(), walk.diffLength(), diffName);
            sink.copyExtra(extra, walk.extraLength(), extraName);
            walk.finish();
        }
        // reading to the end of each stream is what makes bzip2 check its last block and stream CRCs
        requireEnd(diff, diffName);
        if (extra != diff) {
            requireEnd(extra, extraName);
        }
    }

    /** Reads a block stream to its end (checking its CRCs); bytes the controls did not use are an error. */
    private static void requireEnd(InputStream in, String what) throws IOException {
        byte[] buf = new byte[8192];
        long extra = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            extra += n;
        }
        if (extra > 0) {
            throw new CorruptInputException(what + " holds " + extra + " bytes more than the control entries use");
        }
    }

    private static InputStream bzip2(FileChannel patch, long start, long end, String what) throws IOException {
        if (start >= end) {
            throw new CorruptInputException(what + " is empty: the patch is truncated");
        }
        InputStream raw = new BufferedInputStream(new ChannelInput(patch, start, end), STREAM_BUFFER);
        // decompressConcatenated=false: bsdiff 4.3 reads exactly one bzip2 stream per block (BZ2_bzRead)
        return DecodedStream.open(() -> new BZip2CompressorInputStream(raw, false), what);
    }

    private static InputStream blockwise(FileChannel patch, long start, long end, String what) throws IOException {
        if (start >= end) {
            throw new CorruptInputException(what + " is empty: the patch is truncated");
        }
        return new BlockwiseBzip2(new BufferedInputStream(new ChannelInput(patch, start, end), STREAM_BUFFER));
    }

    /** A format's apply, given the hash of OLD that its {@link OldReader}s move along. */
    interface OldApply {
        ApplyResult apply(TrailingSha256 oldHash) throws IOException;
    }

    /**
     * Runs {@code apply} while OLD is hashed beside it ({@link TrailingSha256}: one read of OLD, not two), and
     * compares the hash with the patch's. The output is staged, so nothing reaches NEW's path before OLD is
     * verified. A patch for another OLD is reported as such whatever the apply made of the wrong bytes: a
     * failure of the apply is checked against OLD's hash first.
     */
    static ApplyResult verifyingOld(FileChannel old, Path oldFile, long expectedSize, byte[] expectedSha,
            OldApply apply) throws IOException {
        long size = old.size();
        if (size != expectedSize) {
            throw new VerificationException("patch was made for another OLD: expected " + expectedSize + " bytes, OLD has "
                    + size);
        }
        try (TrailingSha256 oldHash = TrailingSha256.ofFile(oldFile, size, TrailingSha256.INPUT_LEAD, "OLD")) {
            ApplyResult result;
            try {
                result = apply.apply(oldHash);
            } catch (IOException | RuntimeException e) {
                byte[] sha = oldHash.awaitAfter(e);
                if (sha != null) {
                    requireOld(sha, expectedSha);
                }
                throw e;
            }
            requireOld(oldHash.await(), expectedSha);
            return result;
        }
    }

    private static void requireOld(byte[] sha, byte[] expectedSha) throws VerificationException {
        if (!Sha256.equal(sha, expectedSha)) {
            throw new VerificationException("patch was made for another OLD: expected sha256 " + Sha256.hex(expectedSha)
                    + ", OLD has " + Sha256.hex(sha));
        }
    }

    private static ApplyResult finish(PatchFormat format, NewSink sink, long newSize, byte[] expectedNewSha)
            throws VerificationException {
        byte[] sha = sink.sha256();
        if (expectedNewSha != null && !Sha256.equal(sha, expectedNewSha)) {
            throw new VerificationException("result does not match the patch: sha256 " + Sha256.hex(sha) + ", expected "
                    + Sha256.hex(expectedNewSha));
        }
        return new ApplyResult(format, newSize, sha, expectedNewSha != null);
    }
}
