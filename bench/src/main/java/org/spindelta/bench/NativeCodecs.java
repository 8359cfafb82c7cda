package org.spindelta.bench;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The peer of {@link BlockDecompressBenchmark}: the C library calls squashfs-tools 4.5's unsquashfs
 * makes for one block, through JNA direct mapping on native buffers, so the benchmark compares our
 * decoders with what unsquashfs runs. Per compressor (squashfs-tools {@code *_wrapper.c}):
 * gzip {@code uncompress} (zlib), xz {@code lzma_stream_buffer_decode} (liblzma), lzma {@code
 * lzma_alone_decoder} + {@code lzma_code} (liblzma), lzo {@code lzo1x_decompress_safe} (liblzo2), lz4
 * {@code LZ4_decompress_safe} (liblz4), zstd {@code ZSTD_decompress} (libzstd).
 *
 * <p>Benchmark code only: it trusts its input (blocks of an image mksquashfs just wrote) and assumes
 * LP64 Linux (size_t, uLong and pointers are 64-bit; {@code lzma_stream} laid out as on x86-64 and
 * aarch64). Each library is loaded when its compressor is first asked for.
 */
final class NativeCodecs {
    private NativeCodecs() {}

    /** Decodes one block from native memory to native memory. */
    interface Decoder {
        /** Decodes {@code srcLen} bytes at {@code src} into at most {@code maxOut} bytes at {@code dst}; returns the count. */
        long decode(Pointer src, long srcLen, Pointer dst, long maxOut);
    }

    /** The decoder for mksquashfs's {@code -comp} name. */
    static Decoder forCompressor(String compressor) {
        return switch (compressor) {
            case "gzip" -> new Zlib();
            case "xz" -> new Xz();
            case "lzma" -> new LzmaAlone();
            case "lzo" -> new Lzo();
            case "lz4" -> new Lz4();
            case "zstd" -> new ZstdLib();
            default -> throw new IllegalArgumentException("no native decoder for compressor " + compressor);
        };
    }

    private static void check(boolean ok, String what, long code) {
        if (!ok) {
            throw new IllegalStateException(what + " failed: " + code);
        }
    }

    static final class Zlib implements Decoder {
        static {
            Native.register(Zlib.class, NativeLibrary.getInstance("z"));
        }

        private final Memory destLen = new Memory(8);

        /** int uncompress(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen) */
        private static native int uncompress(Pointer dest, Pointer destLen, Pointer source, long sourceLen);

        @Override
        public long decode(Pointer src, long srcLen, Pointer dst, long maxOut) {
            destLen.setLong(0, maxOut);
            int rc = uncompress(dst, destLen, src, srcLen);
            check(rc == 0, "uncompress", rc);
            return destLen.getLong(0);
        }
    }

    static final class Xz implements Decoder {
        static {
            Native.register(Xz.class, NativeLibrary.getInstance("lzma"));
        }

        /** memlimit, in_pos, out_pos: three 64-bit cells. */
        private final Memory cells = new Memory(24);

        /**
         * lzma_ret lzma_stream_buffer_decode(uint64_t *memlimit, uint32_t flags, const lzma_allocator *allocator,
         * const uint8_t *in, size_t *in_pos, size_t in_size, uint8_t *out, size_t *out_pos, size_t out_size)
         */
        private static native int lzma_stream_buffer_decode(Pointer memlimit, int flags, Pointer allocator, Pointer in,
                Pointer inPos, long inSize, Pointer out, Pointer outPos, long outSize);

        @Override
        public long decode(Pointer src, long srcLen, Pointer dst, long maxOut) {
            cells.setLong(0, 64L << 20);
            cells.setLong(8, 0);
            cells.setLong(16, 0);
            int rc = lzma_stream_buffer_decode(cells, 0, null, src, cells.share(8), srcLen, dst, cells.share(16), maxOut);
            check(rc == 0, "lzma_stream_buffer_decode", rc);
            return cells.getLong(16);
        }
    }

    static final class LzmaAlone implements Decoder {
        static {
            Native.register(LzmaAlone.class, NativeLibrary.getInstance("lzma"));
        }

        /** sizeof(lzma_stream) on LP64 is 136; zeroed it is LZMA_STREAM_INIT. */
        private static final int STREAM_SIZE = 136;
        private static final int NEXT_IN = 0;
        private static final int AVAIL_IN = 8;
        private static final int NEXT_OUT = 24;
        private static final int AVAIL_OUT = 32;
        private static final int TOTAL_OUT = 40;
        private static final int LZMA_FINISH = 3;
        private static final int LZMA_STREAM_END = 1;

        private final Memory strm = new Memory(STREAM_SIZE);

        /** lzma_ret lzma_alone_decoder(lzma_stream *strm, uint64_t memlimit) */
        private static native int lzma_alone_decoder(Pointer strm, long memlimit);

        /** lzma_ret lzma_code(lzma_stream *strm, lzma_action action) */
        private static native int lzma_code(Pointer strm, int action);

        /** void lzma_end(lzma_stream *strm) */
        private static native void lzma_end(Pointer strm);

        @Override
        public long decode(Pointer src, long srcLen, Pointer dst, long maxOut) {
            strm.clear();
            int rc = lzma_alone_decoder(strm, 64L << 20);
            check(rc == 0, "lzma_alone_decoder", rc);
            try {
                strm.setPointer(NEXT_IN, src);
                strm.setLong(AVAIL_IN, srcLen);
                strm.setPointer(NEXT_OUT, dst);
                strm.setLong(AVAIL_OUT, maxOut);
                rc = lzma_code(strm, LZMA_FINISH);
                check(rc == LZMA_STREAM_END, "lzma_code", rc);
                return strm.getLong(TOTAL_OUT);
            } finally {
                lzma_end(strm);
            }
        }
    }

    static final class Lzo implements Decoder {
        static {
            Native.register(Lzo.class, NativeLibrary.getInstance("lzo2"));
        }

        private final Memory dstLen = new Memory(8);

        /** int lzo1x_decompress_safe(const lzo_bytep src, lzo_uint src_len, lzo_bytep dst, lzo_uintp dst_len, lzo_voidp wrkmem) */
        private static native int lzo1x_decompress_safe(Pointer src, long srcLen, Pointer dst, Pointer dstLen,
                Pointer wrkmem);

        @Override
        public long decode(Pointer src, long srcLen, Pointer dst, long maxOut) {
            dstLen.setLong(0, maxOut);
            int rc = lzo1x_decompress_safe(src, srcLen, dst, dstLen, null);
            check(rc == 0, "lzo1x_decompress_safe", rc);
            return dstLen.getLong(0);
        }
    }

    static final class Lz4 implements Decoder {
        static {
            Native.register(Lz4.class, NativeLibrary.getInstance("lz4"));
        }

        /** int LZ4_decompress_safe(const char *src, char *dst, int compressedSize, int dstCapacity) */
        private static native int LZ4_decompress_safe(Pointer src, Pointer dst, int compressedSize, int dstCapacity);

        @Override
        public long decode(Pointer src, long srcLen, Pointer dst, long maxOut) {
            int n = LZ4_decompress_safe(src, dst, (int) srcLen, (int) maxOut);
            check(n >= 0, "LZ4_decompress_safe", n);
            return n;
        }
    }

    static final class ZstdLib implements Decoder {
        static {
            Native.register(ZstdLib.class, NativeLibrary.getInstance("zstd"));
        }

        /** size_t ZSTD_decompress(void *dst, size_t dstCapacity, const void *src, size_t compressedSize) */
        private static native long ZSTD_decompress(Pointer dst, long dstCapacity, Pointer src, long compressedSize);

        /** unsigned ZSTD_isError(size_t code) */
        private static native int ZSTD_isError(long code);

        @Override
        public long decode(Pointer src, long srcLen, Pointer dst, long maxOut) {
            long n = ZSTD_decompress(dst, maxOut, src, srcLen);
            check(ZSTD_isError(n) == 0, "ZSTD_decompress", n);
            return n;
        }
    }
}
