package org.spindelta.squashfs.codec;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.format.Compressor;

/**
 * lzma (id 2) blocks through the system's liblzma.so.5 with {@code lzma_alone_decoder} and one
 * {@code lzma_code(LZMA_FINISH)}, as unsquashfs decodes them. The 13-byte header is checked in Java
 * exactly as {@link LzmaBlockDecompressor} checks it (a stated size must fit {@code maxOut}), and the
 * dictionary size liblzma sees is capped the same way, at {@code max(maxOut, 4096)}, in the native
 * copy of the block: a header claiming 4 GiB allocates no more than a block. A stated size is decoded
 * exactly, end marker optional; an unknown size (all ones) decodes to the end marker, at most
 * {@code maxOut} bytes. Not thread-safe: it owns native buffers and an {@code lzma_stream}, whose
 * decoder liblzma reuses from block to block.
 */
public final class NativeLzmaBlockDecompressor implements BlockDecompressor {
    /** A capped 1 MiB dictionary and the LZMA decoder's state need about 1.1 MiB; the xz limit has room. */
    private static final long MEMLIMIT = XzBlockDecompressor.MEMORY_LIMIT_KIB * 1024L;

    private final NativeBlockBuffers buffers = new NativeBlockBuffers();
    /** LZMA_STREAM_INIT: all zero; kept initialised between blocks and ended in close(). */
    private final Memory stream = new Memory(Liblzma.STREAM_SIZE);

    /** Whether liblzma could be loaded here; if not, use {@link LzmaBlockDecompressor}. */
    public static boolean isAvailable() {
        return Liblzma.AVAILABLE;
    }

    /**
     * @throws IllegalStateException if liblzma is not available ({@link #isAvailable()})
     */
    public NativeLzmaBlockDecompressor() {
        if (!isAvailable()) {
            throw new IllegalStateException(Liblzma.SONAME + " cannot be loaded through JNA here");
        }
        stream.clear();
    }

    @Override
    public Compressor compressor() {
        return Compressor.LZMA;
    }

    @Override
    public int decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int maxOut)
            throws CorruptInputException {
        CodecErrors.checkRanges(src, srcOff, srcLen, dst, dstOff, maxOut);
        LzmaBlockDecompressor.Header h = LzmaBlockDecompressor.Header.check(src, srcOff, srcLen, maxOut);
        Pointer in = buffers.in(src, srcOff, srcLen);
        in.setInt(1, h.dictionary());
        int ret = Liblzma.lzma_alone_decoder(stream, MEMLIMIT);
        if (ret != Liblzma.LZMA_OK) {
            throw CodecErrors.corrupt(Compressor.LZMA, srcLen, "invalid lzma header: " + Liblzma.describe(ret), null);
        }
        stream.setPointer(Liblzma.STREAM_NEXT_IN, in);
        stream.setLong(Liblzma.STREAM_AVAIL_IN, srcLen);
        stream.setPointer(Liblzma.STREAM_NEXT_OUT, buffers.out(maxOut));
        stream.setLong(Liblzma.STREAM_AVAIL_OUT, maxOut);
        ret = Liblzma.lzma_code(stream, Liblzma.LZMA_FINISH);
        long n = stream.getLong(Liblzma.STREAM_TOTAL_OUT);
        if (n < 0 || n > maxOut) {
            throw new IllegalStateException("liblzma reported " + n + " bytes of output, more than the " + maxOut
                    + "-byte buffer");
        }
        if (ret != Liblzma.LZMA_STREAM_END) {
            boolean full = stream.getLong(Liblzma.STREAM_AVAIL_OUT) == 0;
            boolean drained = stream.getLong(Liblzma.STREAM_AVAIL_IN) == 0;
            if (!h.known() && full && (ret == Liblzma.LZMA_OK || ret == Liblzma.LZMA_BUF_ERROR)) {
                throw CodecErrors.tooLarge(Compressor.LZMA, srcLen, maxOut);
            }
            if (drained && (ret == Liblzma.LZMA_OK || ret == Liblzma.LZMA_BUF_ERROR)) {
                throw CodecErrors.truncated(Compressor.LZMA, srcLen, (int) n);
            }
            throw CodecErrors.corrupt(Compressor.LZMA, srcLen, "invalid lzma stream: " + Liblzma.describe(ret), null);
        }
        if (h.known() && n != h.size()) {
            throw CodecErrors.truncated(Compressor.LZMA, srcLen, (int) n);
        }
        buffers.copyOut((int) n, dst, dstOff);
        return (int) n;
    }

    @Override
    public void close() {
        Liblzma.lzma_end(stream);
        stream.close();
        buffers.close();
    }
}
