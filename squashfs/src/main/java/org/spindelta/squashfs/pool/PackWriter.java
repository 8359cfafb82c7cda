package org.spindelta.squashfs.pool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.spindelta.core.Sha256;
import org.spindelta.core.StagedOutput;
import org.spindelta.squashfs.encode.NativeXzOutputStream;
import org.spindelta.squashfs.spin.OrderedPipeline;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Writes one pack: chunks in the order given, gathered into segments of about
 * {@link PoolFormat#SEGMENT_TARGET} decoded bytes, each compressed on its own (xz, on all threads) so a
 * reader can decode any segment alone. The pack is written under a temporary name and renamed to the
 * SHA-256 of its bytes, then its index is written beside it; neither is used by anyone until a recipe
 * names the pack, so an add that dies here leaves only files {@code gc} removes.
 *
 * <p>Memory: the open segment plus, per thread, two segments in flight (about 30 MiB on 2 threads), and
 * the native encoder's ~94 MiB per thread.
 */
final class PackWriter implements AutoCloseable {
    private final Path dir;
    private final Path temp;
    private final FileChannel out;
    private final MessageDigest packSha = Sha256.newDigest();
    private final OrderedPipeline<byte[][]> pipeline;
    private final List<PackIndex.Segment> segments = new ArrayList<>();
    private final List<PackIndex.Entry> entries = new ArrayList<>();
    private byte[] open = new byte[PoolFormat.SEGMENT_TARGET + PoolFormat.MAX_CHUNK];
    private int openLength;
    private long packLength;
    /** Segments handed to the pipeline: the number of the open one. */
    private int flushed;
    private boolean done;

    PackWriter(Path packsDir, int threads) throws IOException {
        this.dir = packsDir;
        // created new with the mode the umask gives (not createTempFile's 0600): packs are published as they are
        this.temp = packsDir.resolve(".add-" + Long.toHexString(new java.security.SecureRandom().nextLong())
                + PoolFormat.PACK_SUFFIX + ".part");
        this.out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.pipeline = new OrderedPipeline<>("pool-pack", threads, threads * 2, this::write);
    }

    /** Chunks added so far. */
    int count() {
        return entries.size();
    }

    /** Adds a chunk's content; the caller adds each id once. */
    void add(ChunkId id, byte[] content, int off, int len) throws IOException {
        add(id, content, off, len, len, List.of());
    }

    /**
     * Adds a chunk stored as a block delta ({@code bytes[off, off + len)}) making {@code contentLength} bytes
     * from {@code references}, or whole when there are none.
     */
    void add(ChunkId id, byte[] bytes, int off, int len, int contentLength, List<Piece.Part> references)
            throws IOException {
        if (openLength > 0 && openLength + len > PoolFormat.SEGMENT_TARGET) {
            flush();
        }
        System.arraycopy(bytes, off, open, openLength, len);
        entries.add(new PackIndex.Entry(id, flushed, openLength, len, contentLength, references));
        openLength += len;
    }

    private void flush() throws IOException {
        byte[] segment = java.util.Arrays.copyOf(open, openLength);
        openLength = 0;
        flushed++;
        pipeline.submit(() -> new byte[][] {segment, compress(segment)});
    }

    private void write(byte[][] decodedAndCompressed) throws IOException {
        byte[] c = decodedAndCompressed[1];
        ByteBuffer b = ByteBuffer.wrap(c);
        while (b.hasRemaining()) {
            out.write(b, packLength + b.position());
        }
        packSha.update(c);
        segments.add(new PackIndex.Segment(packLength, c.length, decodedAndCompressed[0].length,
                ChunkId.of(c, 0, c.length)));
        packLength += c.length;
    }

    /**
     * One segment as a complete .xz stream: the system's liblzma where it loads, else xz-java. The
     * dictionary is the segment's length, not the preset's 8 MiB: a segment never reaches further back, so
     * it compresses the same, and the encoder needs a fraction of the preset's ~94 MiB (and readers a
     * dictionary of the segment's size).
     */
    static byte[] compress(byte[] segment) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream(segment.length / 3 + 64);
        LZMA2Options javaOptions = new LZMA2Options(PoolFormat.SEGMENT_XZ_PRESET);
        javaOptions.setDictSize(Math.max(LZMA2Options.DICT_SIZE_MIN, segment.length));
        try (OutputStream x = NativeXzOutputStream.available()
                ? new NativeXzOutputStream(bo, PoolFormat.SEGMENT_XZ_PRESET, segment.length, 1, 0)
                : new XZOutputStream(bo, javaOptions)) {
            x.write(segment);
        }
        return bo.toByteArray();
    }

    /**
     * Compresses what is left, renames the pack to its hash and writes its index.
     *
     * @return the index, or null if no chunk was added (nothing is left behind then)
     */
    PackIndex finish() throws IOException {
        if (openLength > 0) {
            flush();
        }
        pipeline.finish();
        out.force(false);
        out.close();
        done = true;
        if (entries.isEmpty()) {
            Files.deleteIfExists(temp);
            return null;
        }
        String name = HexFormat.of().formatHex(packSha.digest());
        Path pack = dir.resolve(name + PoolFormat.PACK_SUFFIX);
        Files.move(temp, pack, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        PackIndex index = new PackIndex(name, packLength, segments, entries);
        try (StagedOutput idx = StagedOutput.create(dir.resolve(name + PoolFormat.INDEX_SUFFIX))) {
            idx.channel().write(ByteBuffer.wrap(index.encode()));
            idx.commit();
        }
        return index;
    }

    @Override
    public void close() throws IOException {
        pipeline.close();
        if (!done) {
            out.close();
            Files.deleteIfExists(temp);
        }
    }
}
