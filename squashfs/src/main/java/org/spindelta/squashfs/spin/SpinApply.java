package org.spindelta.squashfs.spin;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.spindelta.bsdiff.apply.ApplyOptions;
import org.spindelta.bsdiff.apply.BsPatch;
import org.spindelta.core.ByteSize;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.InputFile;
import org.spindelta.core.LimitExceededException;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.StagedOutput;
import org.spindelta.core.TrailingSha256;
import org.spindelta.core.UnsupportedFormatException;
import org.spindelta.core.VerificationException;
import org.spindelta.squashfs.format.SquashfsConstants;
import org.spindelta.squashfs.read.SquashfsImage;
import org.tukaani.xz.XZInputStream;

/**
 * Applies a spin patch: checks BASE's size and images and this machine's encoders (the patch's sample
 * blocks must come out byte for byte) before writing anything, rebuilds OLD from BASE, NEW from the
 * content patch, then the target op by op into a staged file that is renamed into place only when
 * BASE's SHA-256 (computed beside the rebuild, so that BASE is read once) and the target's are the
 * ones the patch records. Memory is bounded by the pool: at most a few blocks of at most
 * 1 MiB per thread are held at once.
 */
public final class SpinApply {
    /** xz decoder memory limit for the content section (a preset 6 stream needs ~9 MiB). */
    private static final int CONTENT_XZ_MEMORY_KIB = 96 * 1024;
    /**
     * The decoded plan may take at most 1/n of the heap: its objects take about twice as much again (a plan is
     * mostly paths of contributors, ~85 bytes each decoded; 300,000 changed files would make ~25 MB).
     */
    private static final int PLAN_HEAP_SHARE = 4;

    /** @param threads pool size for decoding, encoding and the content patch */
    public record Options(int threads) {
        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors());
        }
    }

    /** What was rebuilt, and notes for the user (e.g. an encoder version that differs but reproduces). */
    public record Result(SpinPlan plan, long targetLength, List<String> notes) {
    }

    private SpinApply() {}

    /** Reads and checks a patch's header and plan, without BASE (for {@code explain}). */
    public static SpinPlan readPlan(Path patchPath) throws IOException {
        try (FileChannel patch = InputFile.open(patchPath, "PATCH")) {
            return readPlan(patch, header(patch));
        }
    }

    public static Result apply(Path basePath, Path patchPath, Path outPath, Options options,
            Recompressor.Factory encoders, Progress progress) throws IOException {
        InputFile.refuseAsOutput(outPath, basePath, patchPath);
        Path dir = outPath.toAbsolutePath().getParent();
        List<Path> temps = new ArrayList<>();
        try (FileChannel base = InputFile.open(basePath, "BASE");
                FileChannel patch = InputFile.open(patchPath, "PATCH")) {
            SpinPatchHeader h = header(patch);
            if (base.size() != h.baseLength()) {
                throw new VerificationException("BASE is " + base.size() + " bytes, but the patch was made for a "
                        + "base of " + h.baseLength() + " bytes: wrong BASE");
            }
            SpinPlan plan = readPlan(patch, h);
            List<String> notes = selfTest(plan, encoders);
            List<SquashfsImage> baseImages = openBaseImages(base, plan);
            // BASE is hashed beside the rebuild, a little ahead of the copies that read it, so that it is read
            // once (a pass of its own came from the disk twice where the cache cannot hold BASE and the target)
            try (TrailingSha256 baseSha = TrailingSha256.ofFile(basePath, base.size(), TrailingSha256.INPUT_LEAD,
                    "BASE")) {
                try {
                    rebuild(base, baseSha, baseImages, patch, h, plan, outPath, dir, temps, options, encoders,
                            progress);
                } catch (IOException | RuntimeException e) {
                    // a BASE of the right size but other bytes can make any step fail: say what is wrong
                    byte[] sha = baseSha.awaitAfter(e);
                    if (sha != null) {
                        requireBase(sha, h);
                    }
                    throw e;
                }
            }
            return new Result(plan, plan.targetLength(), notes);
        } finally {
            for (Path t : temps) {
                Files.deleteIfExists(t);
            }
        }
    }

    /**
     * Rebuilds the target from BASE: OLD from BASE's sources, NEW from the content patch, then the target op
     * by op into the staged output, committed only when BASE's hash and the target's are the patch's.
     */
    private static void rebuild(FileChannel base, TrailingSha256 baseSha, List<SquashfsImage> baseImages,
            FileChannel patch, SpinPatchHeader h, SpinPlan plan, Path outPath, Path dir, List<Path> temps,
            Options options, Recompressor.Factory encoders, Progress progress) throws IOException {
        Path oldFile = temp(dir, ".old", temps);
        SpinDiff.writeOld(base, baseImages, plan.sources(), oldFile, options.threads());
        Path contentFile = temp(dir, ".content", temps);
        unpackContent(patch, h, contentFile);
        Path newFile = temp(dir, ".new", temps);
        Files.delete(newFile);
        try {
            BsPatch.apply(oldFile, contentFile, newFile, new ApplyOptions(options.threads()), Progress.NONE);
        } catch (VerificationException e) {
            throw new CorruptInputException("the patch's content section does not fit the OLD it rebuilt: "
                    + e.getMessage());
        }
        if (Files.size(newFile) != plan.newLength()) {
            throw new CorruptInputException("the content section rebuilds " + Files.size(newFile) + " bytes, the "
                    + "ops consume " + plan.newLength());
        }
        try (StagedOutput out = StagedOutput.create(outPath);
                FileChannel nw = FileChannel.open(newFile, StandardOpenOption.READ)) {
            byte[] sha = assemble(base, baseSha, nw, plan, out.channel(), options.threads(), encoders, progress);
            if (!Sha256.equal(sha, plan.targetSha256())) {
                throw new VerificationException("the rebuilt image's SHA-256 " + Sha256.hex(sha) + " is not the "
                        + "patch's " + Sha256.hex(plan.targetSha256()) + "; nothing was written");
            }
            requireBase(baseSha.await(), h);
            out.commit();
        }
    }

    private static void requireBase(byte[] sha, SpinPatchHeader h) throws VerificationException {
        if (!Sha256.equal(sha, h.baseSha256())) {
            throw new VerificationException("BASE's SHA-256 is not the one the patch was made for: wrong BASE "
                    + "(same size, different content)");
        }
    }

    /** Decodes the content section (xz of an SPDW patch) to {@code file}: exactly the recorded length. */
    private static void unpackContent(FileChannel patch, SpinPatchHeader h, Path file) throws IOException {
        long from = SpinPatchHeader.SIZE + h.planLength();
        InputStream raw = new BufferedInputStream(new RegionInput(patch, from, h.contentLength()), 1 << 16);
        try (InputStream xz = new XZInputStream(raw, CONTENT_XZ_MEMORY_KIB);
                java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            byte[] buf = new byte[1 << 16];
            long left = h.contentDecodedLength();
            while (left > 0) {
                int n = xz.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new CorruptInputException("the content section decodes to " + (h.contentDecodedLength() - left)
                            + " bytes, the header says " + h.contentDecodedLength());
                }
                out.write(buf, 0, n);
                left -= n;
            }
            if (xz.read() != -1) {
                throw new CorruptInputException("the content section decodes to more than the header's "
                        + h.contentDecodedLength() + " bytes");
            }
        } catch (SpindeltaException e) {
            throw e;
        } catch (IOException e) {
            throw new CorruptInputException("the content section is damaged: " + e.getMessage(), e);
        }
    }

    private static SpinPatchHeader header(FileChannel patch) throws IOException {
        byte[] b = new byte[SpinPatchHeader.SIZE];
        long size = patch.size();
        if (size < b.length) {
            ChannelInput.readFully(patch, 0, b, 0, (int) size, "PATCH");
            if (size < 8 || !Arrays.equals(b, 0, 8, SpinPatchHeader.MAGIC, 0, 8)) {
                throw new org.spindelta.core.FormatException("not a spindelta spin patch (no \"SPDSPIN\" magic)");
            }
            throw new CorruptInputException("spin patch truncated: " + size + " bytes, shorter than its "
                    + SpinPatchHeader.SIZE + "-byte header");
        }
        ChannelInput.readFully(patch, 0, b, 0, b.length, "PATCH");
        return SpinPatchHeader.parse(b, size);
    }

    private static SpinPlan readPlan(FileChannel patch, SpinPatchHeader h) throws IOException {
        // The header may claim up to MAX_PLAN: refuse what this heap cannot hold before allocating it, rather
        // than run out of memory (a genuine plan is ~0.4 MB for a 0.5 GB pair, a few MB at 9 GB)
        long room = Runtime.getRuntime().maxMemory() / PLAN_HEAP_SHARE;
        if (h.planDecodedLength() > room) {
            throw new LimitExceededException("the patch's plan decodes to " + ByteSize.format(h.planDecodedLength())
                    + ", more than this JVM's heap holds for it (" + ByteSize.format(room) + "): a damaged patch, or "
                    + "raise the heap with SPINDELTA_JAVA_OPTS=-Xmx...", h.planDecodedLength(), room);
        }
        byte[] decoded = new byte[(int) h.planDecodedLength()];
        InputStream raw = new BufferedInputStream(new RegionInput(patch, SpinPatchHeader.SIZE, h.planLength()), 1 << 16);
        try (InputStream xz = new XZInputStream(raw, 64 << 10)) {
            int n = xz.readNBytes(decoded, 0, decoded.length);
            if (n != decoded.length || xz.read() != -1) {
                throw new CorruptInputException("spin patch plan decodes to " + (n == decoded.length ? "more" : n)
                        + " bytes, the header says " + decoded.length);
            }
        } catch (SpindeltaException e) {
            throw e;
        } catch (IOException e) {
            throw new CorruptInputException("spin patch plan is damaged: " + e.getMessage(), e);
        }
        try {
            return SpinPlanCodec.decode(decoded, h.baseLength(), h.baseSha256(), h.targetLength(), h.targetSha256());
        } catch (OutOfMemoryError e) { // only the plan's own objects are dropped: the rest of the heap is intact
            throw new LimitExceededException("the patch's plan (" + ByteSize.format(decoded.length) + " decoded) "
                    + "does not fit in this JVM's heap (" + ByteSize.format(Runtime.getRuntime().maxMemory())
                    + "): a damaged patch, or raise the heap with SPINDELTA_JAVA_OPTS=-Xmx...", decoded.length,
                    Runtime.getRuntime().maxMemory());
        }
    }

    private static List<SquashfsImage> openBaseImages(FileChannel base, SpinPlan plan) throws IOException {
        List<SquashfsImage> out = new ArrayList<>();
        for (ImageInfo i : plan.baseImages()) {
            SquashfsImage img;
            try {
                img = SquashfsImage.open(base, i.offset(), i.length());
            } catch (SpindeltaException e) {
                throw new VerificationException("BASE holds no SquashFS image at byte " + i.offset()
                        + " where the patch expects one (" + e.getMessage() + "): wrong BASE");
            }
            if (img.superBlock().compressor() != i.compressor() || img.superBlock().blockSize() != i.blockSize()) {
                throw new VerificationException("BASE's image at byte " + i.offset() + " is " + img.superBlock()
                        .compressor().toolName() + " with block size " + img.superBlock().blockSize()
                        + ", the patch expects " + i + ": wrong BASE");
            }
            out.add(img);
        }
        return out;
    }

    /**
     * Checks, before anything is written, that this machine can encode every target image the ops
     * recompress, and that its encoder reproduces the patch's sample blocks.
     */
    private static List<String> selfTest(SpinPlan plan, Recompressor.Factory encoders) throws IOException {
        List<String> notes = new ArrayList<>();
        boolean[] needed = new boolean[plan.targetImages().size()];
        for (Op op : plan.ops()) {
            if (op instanceof Op.Recompress r) {
                needed[r.image()] = true;
            }
        }
        for (int i = 0; i < needed.length; i++) {
            if (!needed[i]) {
                continue;
            }
            ImageInfo info = plan.targetImages().get(i);
            String mine = encoders.identity(info);
            if (mine.isEmpty()) {
                throw new UnsupportedFormatException("this machine cannot recompress " + info.compressor().toolName()
                        + " blocks as the patch needs (" + info.encoder() + "); nothing was written");
            }
            if (!mine.equals(info.encoder())) {
                notes.add("encoder differs from the patch's (" + mine + " here, " + info.encoder()
                        + " there); its sample blocks reproduce, so the rebuild goes on and is checked at the end");
            }
            try (Recompressor r = encoders.open(info)) {
                byte[] out = new byte[Math.max(info.blockSize(), 8192) * 2];
                for (Sample s : plan.samples()) {
                    if (s.image() != i) {
                        continue;
                    }
                    int n = r.encode(s.decoded(), 0, s.decoded().length, out, s.metadata());
                    MessageDigest md = Sha256.newDigest();
                    md.update(out, 0, Math.max(n, 0));
                    if (n <= 0 || !Arrays.equals(md.digest(), s.storedSha256())) {
                        throw new UnsupportedFormatException("this machine's " + info.compressor().toolName()
                                + " encoder (" + mine + ") does not reproduce the patch's blocks (made with "
                                + info.encoder() + "); nothing was written");
                    }
                }
            }
        }
        return notes;
    }

    /**
     * Runs the ops on the pool into {@code out}, in order. Every piece is a {@link PieceBuffers} array handed
     * back once written, where the ops used to allocate two to three bytes of garbage per target byte (an
     * array per piece of a copy or literal, per decoded and per recompressed block). Measured on a 2 GB
     * patch, this changed neither the heap's touched pages (41-46 MB) nor the time: apply's varying peak RSS
     * was a compiler arena, which the launcher caps (-XX:MaxNodeLimit).
     */
    private static byte[] assemble(FileChannel base, TrailingSha256 baseSha, FileChannel nw, SpinPlan plan,
            FileChannel out, int threads, Recompressor.Factory encoders, Progress progress) throws IOException {
        MessageDigest sha = Sha256.newDigest();
        progress.start("apply", plan.targetLength());
        InputStream in = new BufferedInputStream(Channels.newInputStream(nw), 1 << 20);
        List<SquashfsImage> none = List.of();
        int depth = threads * 4;
        PieceBuffers buffers = PieceBuffers.forPipeline(depth);
        try (ThreadCodecs codecs = new ThreadCodecs(none, plan.targetImages(), encoders);
                OrderedPipeline<Piece> pipeline = new OrderedPipeline<>("spin-apply", threads, depth, p -> {
                    ByteBuffer b = ByteBuffer.wrap(p.bytes(), 0, p.length());
                    while (b.hasRemaining()) {
                        out.write(b);
                    }
                    sha.update(p.bytes(), 0, p.length());
                    buffers.give(p.bytes());
                    progress.advance(p.length());
                })) {
            long index = 0;
            for (Op op : plan.ops()) {
                long opIndex = index++;
                if (op instanceof Op.Copy c) {
                    for (long p = 0; p < c.length(); p += PieceBuffers.PIECE) {
                        long at = c.baseOffset() + p;
                        int n = (int) Math.min(PieceBuffers.PIECE, c.length() - p);
                        baseSha.reached(at + n);
                        pipeline.submit(() -> {
                            byte[] b = buffers.take();
                            ChannelInput.readFully(base, at, b, 0, n, "BASE");
                            return new Piece(b, n);
                        });
                    }
                } else if (op instanceof Op.Literal l) {
                    for (long p = 0; p < l.length(); p += PieceBuffers.PIECE) {
                        int n = (int) Math.min(PieceBuffers.PIECE, l.length() - p);
                        byte[] b = readNew(in, buffers.take(), n);
                        pipeline.submit(() -> new Piece(b, n));
                    }
                } else if (op instanceof Op.Recompress r) {
                    byte[] decoded = readNew(in, buffers.take(), r.decodedLength());
                    pipeline.submit(() -> recompress(codecs, buffers, r, decoded, opIndex));
                }
            }
            pipeline.finish();
        }
        if (in.read() != -1) {
            throw new CorruptInputException("the content stream has bytes left after the last op");
        }
        return sha.digest();
    }

    /** Encodes {@code decoded[0, r.decodedLength())} (an array of {@code buffers}, handed back here). */
    private static Piece recompress(ThreadCodecs codecs, PieceBuffers buffers, Op.Recompress r, byte[] decoded,
            long opIndex) throws IOException {
        int header = r.metadata() ? SquashfsConstants.METADATA_HEADER_SIZE : 0;
        byte[] out = buffers.take();
        // the encoder writes at 0 and may use up to the block's capacity (mksquashfs's room), which the
        // array holds with the header's 2 bytes to spare
        int n = codecs.encoder(r.image()).encode(decoded, 0, r.decodedLength(), out, r.metadata());
        buffers.give(decoded);
        CRC32 crc = new CRC32();
        if (n > 0) {
            crc.update(out, 0, n);
        }
        if (n != r.storedLength() || (int) crc.getValue() != r.crc32()) {
            throw new VerificationException("op " + opIndex + ": the recompressed block is " + n + " bytes with CRC32 "
                    + Integer.toHexString((int) crc.getValue()) + ", the patch expects " + r.storedLength()
                    + " bytes with " + Integer.toHexString(r.crc32()) + " (this machine's encoder differs); "
                    + "nothing was written");
        }
        if (header > 0) {
            System.arraycopy(out, 0, out, header, n);
            out[0] = (byte) n;
            out[1] = (byte) (n >>> 8);
        }
        return new Piece(out, header + n);
    }

    /** Reads exactly {@code n} bytes of NEW into {@code into}. */
    private static byte[] readNew(InputStream in, byte[] into, int n) throws IOException {
        if (in.readNBytes(into, 0, n) != n) {
            throw new CorruptInputException("the content stream ends before the ops are done");
        }
        return into;
    }

    private static Path temp(Path dir, String suffix, List<Path> temps) throws IOException {
        Path p = Files.createTempFile(dir, ".spindelta-", suffix);
        temps.add(p);
        return p;
    }

    /** Bytes {@code [from, from + length)} of a channel, read positionally; closing leaves the channel open. */
    private static final class RegionInput extends InputStream {
        private final FileChannel channel;
        private long pos;
        private final long end;

        RegionInput(FileChannel channel, long from, long length) {
            this.channel = channel;
            this.pos = from;
            this.end = from + length;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos >= end) {
                return -1;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
            if (n > 0) {
                pos += n;
            }
            return n;
        }
    }
}
