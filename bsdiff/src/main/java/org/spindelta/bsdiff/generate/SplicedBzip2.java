package org.spindelta.bsdiff.generate;

import static org.spindelta.bsdiff.format.Bzip2Framing.BLOCK_MAGIC;
import static org.spindelta.bsdiff.format.Bzip2Framing.CRC_BITS;
import static org.spindelta.bsdiff.format.Bzip2Framing.END_MAGIC;
import static org.spindelta.bsdiff.format.Bzip2Framing.HEADER_BITS;
import static org.spindelta.bsdiff.format.Bzip2Framing.MAGIC_BITS;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * ONE bzip2 stream (what bspatch 4.3 requires of each BSDIFF40 block) compressed on several
 * threads, the way lbzip2 does it: the input is cut into chunks small enough to become exactly one
 * bzip2 block each, every chunk is compressed as a stream of its own on the pool, and the block
 * bits are spliced, in order, between a single stream header and a single end-of-stream marker
 * whose combined CRC is recomputed ({@code crc = rotl(crc, 1) ^ blockCrc}, bzip2's
 * {@code BZ2_bzCompressEnd} bookkeeping).
 *
 * <p>Chunks are cut where serial bzip2 would end its blocks: the writer follows bzip2's first
 * run-length stage (a run of 4 to 255 equal bytes becomes 5 bytes, shorter runs stay as they are)
 * and closes a chunk before its encoded size could pass the level-9 block limit, so a chunk is
 * always one block and long zero runs (most of a diff block) pack as densely as bsdiff 4.3's. A
 * chunk never holds more than {@link #MAX_CHUNK} input bytes, which bounds memory.
 */
final class SplicedBzip2 extends OutputStream {
    static final int LEVEL = 9;
    /** commons-compress ends a block once 900,000 − 20 encoded bytes are reached; keep a run's 5 bytes clear of it. */
    static final int BLOCK_LIMIT = LEVEL * 100_000 - 20 - 5;
    /** Input bytes per chunk at most (a block of all-zero runs could otherwise take 45 MB). */
    static final int MAX_CHUNK = 4 << 20;
    /**
     * Memory of one chunk in flight: its input, its compressed output (at most about the input) and
     * commons-compress's level-9 block sorting state (block, fmap and sfmap: about 8 MiB).
     */
    static final long BYTES_PER_CHUNK = 2L * MAX_CHUNK + (8L << 20);
    /** bzip2 runs are at most this long before the first stage starts a new one. */
    private static final int MAX_RUN = 255;

    private final OutputStream sink;
    private final ExecutorService pool;
    private final int maxPending;
    private final Deque<Future<byte[]>> pending = new ArrayDeque<>();
    /** Chunk buffers are reused: 4 MiB arrays allocated per chunk kept the collector busy. */
    private final Deque<byte[]> freeChunks = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private byte[] chunk = new byte[MAX_CHUNK];
    private int fill;
    // the first run-length stage as bzip2 would see this chunk: encoded size so far and the open run
    private int encoded;
    private int runByte = -1;
    private int runLength;
    /** OR of the chunk's bytes: zero for a chunk of zeros. */
    private int chunkBits;
    /**
     * The block of a full chunk of zeros, compressed once. A diff block is mostly zeros, bytes of NEW
     * equal to OLD: 876 of the 984 chunks of a 4.4 GB spin pair's, and compressing them again and
     * again was two thirds of the diff's CPU time.
     */
    private Future<byte[]> zeroChunk;
    private int combinedCrc;
    private long bitBuffer;
    private int bitCount;
    private boolean closed;

    /**
     * @param maxPending compressed chunks in flight at most (bounds memory: about 9 MiB each while
     *     compressing)
     */
    SplicedBzip2(OutputStream sink, ExecutorService pool, int maxPending) throws IOException {
        this.sink = sink;
        this.pool = pool;
        this.maxPending = Math.max(1, maxPending);
        sink.write(new byte[] {'B', 'Z', 'h', (byte) ('0' + LEVEL)});
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            if (fill == MAX_CHUNK) {
                submit();
            }
            int v = b[i] & 0xFF;
            if (v == runByte && runLength < MAX_RUN) {
                runLength++;
                if (runLength <= 4) {
                    encoded += runLength == 4 ? 2 : 1; // a run of 4..255 costs 4 bytes plus a count byte
                }
            } else {
                if (encoded + 1 > BLOCK_LIMIT) {
                    submit();
                }
                runByte = v;
                runLength = 1;
                encoded++;
            }
            chunkBits |= v;
            chunk[fill++] = (byte) v;
        }
    }

    private void submit() throws IOException {
        final byte[] data = chunk;
        final int length = fill;
        boolean zeros = chunkBits == 0 && length == MAX_CHUNK;
        if (zeros && zeroChunk != null) {
            pending.add(zeroChunk); // the same bytes make the same block; this chunk's buffer is free at once
        } else {
            Future<byte[]> block = pool.submit(() -> {
                try {
                    return compressOne(data, length);
                } finally {
                    freeChunks.add(data);
                }
            });
            pending.add(block);
            if (zeros) {
                zeroChunk = block;
            }
            byte[] reuse = freeChunks.poll();
            chunk = reuse != null ? reuse : new byte[MAX_CHUNK];
        }
        chunkBits = 0;
        fill = 0;
        encoded = 0;
        runByte = -1;
        runLength = 0;
        while (pending.size() >= maxPending) {
            splice(await(pending.poll()));
        }
    }

    static byte[] compressOne(byte[] data, int length) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length / 2 + 64);
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(out, LEVEL)) {
            bz.write(data, 0, length);
        }
        return out.toByteArray();
    }

    private static byte[] await(Future<byte[]> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    /** Appends the one block of a single-block stream. */
    private void splice(byte[] stream) throws IOException {
        long totalBits = 8L * stream.length;
        int blockCrc = (int) bits(stream, HEADER_BITS + MAGIC_BITS, CRC_BITS);
        if (bits(stream, HEADER_BITS, MAGIC_BITS) != BLOCK_MAGIC) {
            throw new IllegalStateException("bzip2 chunk does not start with a block");
        }
        long end = -1;
        for (int pad = 0; pad < 8 && end < 0; pad++) {
            long at = totalBits - pad - MAGIC_BITS - CRC_BITS;
            if (bits(stream, at, MAGIC_BITS) == END_MAGIC && (int) bits(stream, at + MAGIC_BITS, CRC_BITS) == blockCrc) {
                end = at;
            }
        }
        if (end < 0) {
            throw new IllegalStateException("bzip2 chunk is not a single-block stream");
        }
        combinedCrc = Integer.rotateLeft(combinedCrc, 1) ^ blockCrc;
        copyBits(stream, HEADER_BITS, end);
    }

    /** {@code n} (at most 56) bits of {@code b} from bit {@code at}, most significant first. */
    private static long bits(byte[] b, long at, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            long bit = at + i;
            v = (v << 1) | ((b[(int) (bit >>> 3)] >>> (7 - (bit & 7))) & 1);
        }
        return v;
    }

    private void copyBits(byte[] b, long from, long to) throws IOException {
        long bit = from;
        while (bit < to && (bit & 7) != 0) {
            putBits((b[(int) (bit >>> 3)] >>> (7 - (bit & 7))) & 1, 1);
            bit++;
        }
        int fullEnd = (int) (to >>> 3);
        for (int i = (int) (bit >>> 3); i < fullEnd; i++) {
            putBits(b[i] & 0xFF, 8);
        }
        for (bit = Math.max(bit, (long) fullEnd << 3); bit < to; bit++) {
            putBits((b[(int) (bit >>> 3)] >>> (7 - (bit & 7))) & 1, 1);
        }
    }

    private final byte[] outBuf = new byte[1 << 16];
    private int outFill;

    private void putBits(long value, int n) throws IOException {
        bitBuffer = (bitBuffer << n) | (value & ((1L << n) - 1));
        bitCount += n;
        while (bitCount >= 8) {
            bitCount -= 8;
            outBuf[outFill++] = (byte) (bitBuffer >>> bitCount);
            if (outFill == outBuf.length) {
                sink.write(outBuf, 0, outFill);
                outFill = 0;
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (fill > 0) {
            submit();
        }
        while (!pending.isEmpty()) {
            splice(await(pending.poll()));
        }
        putBits(END_MAGIC >>> 24, 24);
        putBits(END_MAGIC & 0xFFFFFF, 24);
        putBits(combinedCrc & 0xFFFFFFFFL, 32);
        if (bitCount > 0) {
            putBits(0, 8 - bitCount);
        }
        sink.write(outBuf, 0, outFill);
        outFill = 0;
        sink.close();
    }

}
