package org.spindelta.squashfs.codec;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.NativeBinding;
import org.spindelta.squashfs.format.Compressor;

/**
 * gzip (id 1) blocks through the system's libdeflate.so.0 with {@code libdeflate_zlib_decompress_ex}.
 * It decodes the same zlib streams as zlib's {@code uncompress()}, the call unsquashfs makes, with the same
 * checks (header, no preset dictionary, Adler-32) and the same tolerance of bytes after the end of the
 * stream, but about twice as fast: libdeflate decodes a whole buffer at once instead of zlib's resumable
 * state machine. It never reads past {@code in_nbytes} nor writes past {@code out_nbytes_avail}. Not
 * thread-safe: it owns a decompressor and native buffers.
 */
public final class NativeZlibBlockDecompressor implements BlockDecompressor {
    static final String SONAME = "libdeflate.so.0";

    /** The libdeflate calls (libdeflate.h of libdeflate 1.x), bound with JNA direct mapping; size_t is long. */
    static final class Libdeflate {
        static final boolean AVAILABLE = NativeBinding.bind(Libdeflate.class, SONAME) == null;

        /** enum libdeflate_result */
        static final int SUCCESS = 0;
        static final int BAD_DATA = 1;
        static final int INSUFFICIENT_SPACE = 3;

        private Libdeflate() {}

        static native Pointer libdeflate_alloc_decompressor();

        static native int libdeflate_zlib_decompress_ex(Pointer decompressor, Pointer in, long inBytes, Pointer out,
                long outBytesAvail, Pointer actualInBytes, Pointer actualOutBytes);

        static native void libdeflate_free_decompressor(Pointer decompressor);
    }

    private final NativeBlockBuffers buffers = new NativeBlockBuffers();
    /** Two size_t results: bytes of input the stream took (unused: trailing bytes are ignored), bytes out. */
    private final Memory sizes = new Memory(2 * Long.BYTES);
    private Pointer decompressor;

    /** Whether libdeflate could be loaded here; if not, use {@link GzipBlockDecompressor}. */
    public static boolean isAvailable() {
        return Libdeflate.AVAILABLE;
    }

    /**
     * @throws IllegalStateException if libdeflate is not available ({@link #isAvailable()}) or cannot
     *     allocate a decompressor
     */
    public NativeZlibBlockDecompressor() {
        if (!isAvailable()) {
            throw new IllegalStateException(SONAME + " cannot be loaded through JNA here");
        }
        decompressor = Libdeflate.libdeflate_alloc_decompressor();
        if (decompressor == null) {
            sizes.close();
            throw new IllegalStateException("libdeflate_alloc_decompressor failed: out of memory");
        }
    }

    @Override
    public Compressor compressor() {
        return Compressor.ZLIB;
    }

    @Override
    public int decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int maxOut)
            throws CorruptInputException {
        CodecErrors.checkRanges(src, srcOff, srcLen, dst, dstOff, maxOut);
        if (decompressor == null) {
            throw new IllegalStateException("decompressor closed");
        }
        int result = Libdeflate.libdeflate_zlib_decompress_ex(decompressor, buffers.in(src, srcOff, srcLen), srcLen,
                buffers.out(maxOut), maxOut, sizes, sizes.share(Long.BYTES));
        if (result == Libdeflate.INSUFFICIENT_SPACE) {
            throw CodecErrors.tooLarge(Compressor.ZLIB, srcLen, maxOut);
        }
        if (result != Libdeflate.SUCCESS) {
            // libdeflate tells only "bad data": a truncated stream, a bad header or checksum, a preset dictionary
            throw CodecErrors.corrupt(Compressor.ZLIB, srcLen, result == Libdeflate.BAD_DATA
                    ? "invalid or truncated zlib data" : "libdeflate returned " + result, null);
        }
        long n = sizes.getLong(Long.BYTES);
        if (n < 0 || n > maxOut) {
            throw new IllegalStateException("libdeflate reported " + n + " bytes out of " + maxOut);
        }
        buffers.copyOut((int) n, dst, dstOff);
        return (int) n;
    }

    @Override
    public void close() {
        if (decompressor != null) {
            Libdeflate.libdeflate_free_decompressor(decompressor);
            decompressor = null;
        }
        buffers.close();
        sizes.close();
    }
}
