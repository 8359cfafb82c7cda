package org.spindelta.squashfs.codec;

import com.sun.jna.Memory;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.format.Compressor;
import org.spindelta.squashfs.format.SquashfsConstants;

/**
 * xz (id 4) blocks through the system's liblzma.so.5 with {@code lzma_stream_buffer_decode}, the call
 * unsquashfs makes: one complete .xz stream that must use up the whole block, decoded into at most
 * {@code maxOut} bytes under the same memory limit as {@link XzBlockDecompressor} (checked by liblzma
 * before it allocates). Decodes the same bytes as that pure-Java decoder, about 2x faster. Not
 * thread-safe: it owns native buffers.
 */
public final class NativeXzBlockDecompressor implements BlockDecompressor {
    private static final int MEMLIMIT = 0;
    private static final int IN_POS = 8;
    private static final int OUT_POS = 16;

    private final NativeBlockBuffers buffers = new NativeBlockBuffers();
    /** uint64_t memlimit, size_t in_pos, size_t out_pos. */
    private final Memory cells = new Memory(24);
    private final int memoryLimitKib;

    /** Whether liblzma could be loaded here; if not, use {@link XzBlockDecompressor}. */
    public static boolean isAvailable() {
        return Liblzma.AVAILABLE;
    }

    /**
     * @throws IllegalStateException if liblzma is not available ({@link #isAvailable()})
     */
    public NativeXzBlockDecompressor() {
        this(XzBlockDecompressor.MEMORY_LIMIT_KIB);
    }

    /**
     * A decoder of larger streams than SquashFS blocks (a pool's segments), under {@code memoryLimitKib}.
     *
     * @throws IllegalStateException if liblzma is not available ({@link #isAvailable()})
     */
    public NativeXzBlockDecompressor(int memoryLimitKib) {
        if (!isAvailable()) {
            throw new IllegalStateException(Liblzma.SONAME + " cannot be loaded through JNA here");
        }
        this.memoryLimitKib = memoryLimitKib;
    }

    @Override
    public Compressor compressor() {
        return Compressor.XZ;
    }

    @Override
    public int decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int maxOut)
            throws CorruptInputException {
        CodecErrors.checkRanges(src, srcOff, srcLen, dst, dstOff, maxOut);
        long limit = memoryLimitKib * 1024L;
        cells.setLong(MEMLIMIT, limit);
        cells.setLong(IN_POS, 0);
        cells.setLong(OUT_POS, 0);
        int ret = Liblzma.lzma_stream_buffer_decode(cells.share(MEMLIMIT), Liblzma.LZMA_TELL_UNSUPPORTED_CHECK, null,
                buffers.in(src, srcOff, srcLen), cells.share(IN_POS), srcLen, buffers.out(maxOut), cells.share(OUT_POS),
                maxOut);
        if (ret == Liblzma.LZMA_BUF_ERROR) {
            // the output is full and the stream goes on (truncated input is LZMA_DATA_ERROR)
            throw CodecErrors.tooLarge(Compressor.XZ, srcLen, maxOut);
        }
        if (ret == Liblzma.LZMA_MEMLIMIT_ERROR) {
            // liblzma stores what it would have needed in *memlimit
            throw CodecErrors.corrupt(Compressor.XZ, srcLen, "the stream needs " + (cells.getLong(MEMLIMIT) + 1023) / 1024
                    + " KiB to decode, more than the limit of " + memoryLimitKib + " KiB"
                    + (memoryLimitKib == XzBlockDecompressor.MEMORY_LIMIT_KIB ? " that a " + SquashfsConstants.MAX_BLOCK_SIZE
                    + "-byte block allows" : ""), null);
        }
        if (ret != Liblzma.LZMA_OK) {
            throw CodecErrors.corrupt(Compressor.XZ, srcLen, "invalid xz stream: " + Liblzma.describe(ret), null);
        }
        long used = cells.getLong(IN_POS);
        long n = cells.getLong(OUT_POS);
        if (n < 0 || n > maxOut || used < 0 || used > srcLen) {
            throw new IllegalStateException("liblzma reported positions outside its buffers: in " + used + " of "
                    + srcLen + ", out " + n + " of " + maxOut);
        }
        if (used != srcLen) {
            throw CodecErrors.corrupt(Compressor.XZ, srcLen, (srcLen - used) + " bytes follow the end of the xz stream",
                    null);
        }
        buffers.copyOut((int) n, dst, dstOff);
        return (int) n;
    }

    @Override
    public void close() {
        buffers.close();
        cells.close();
    }
}
