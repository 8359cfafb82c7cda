package org.spindelta.squashfs.codec;

import com.sun.jna.Pointer;
import org.spindelta.core.NativeBinding;

/**
 * The liblzma.so.5 decoding calls (lzma.h of XZ Utils 5.x), bound with JNA direct mapping when first
 * used; {@link #AVAILABLE} says whether that worked. {@code size_t} and {@code uint64_t} are
 * {@code long}, {@code lzma_ret} and enums {@code int}. {@code lzma_stream} is not mapped: it is a
 * zeroed native block ({@code LZMA_STREAM_INIT}) whose few fields are read and written at the LP64
 * offsets below (checked with offsetof against the 5.4.1 headers).
 */
final class Liblzma {
    static final String SONAME = "liblzma.so.5";
    static final boolean AVAILABLE = NativeBinding.bind(Liblzma.class, SONAME) == null;

    // lzma_ret
    static final int LZMA_OK = 0;
    static final int LZMA_STREAM_END = 1;
    static final int LZMA_MEMLIMIT_ERROR = 6;
    static final int LZMA_BUF_ERROR = 10;

    /** lzma_stream_buffer_decode flag: an integrity check this liblzma cannot verify is an error, as in xz-java. */
    static final int LZMA_TELL_UNSUPPORTED_CHECK = 0x02;
    /** lzma_action: all input is given, finish the stream. */
    static final int LZMA_FINISH = 3;

    /** sizeof(lzma_stream) is 136 in 5.4; room for later versions' reserved fields. */
    static final int STREAM_SIZE = 256;
    static final int STREAM_NEXT_IN = 0;
    static final int STREAM_AVAIL_IN = 8;
    static final int STREAM_NEXT_OUT = 24;
    static final int STREAM_AVAIL_OUT = 32;
    static final int STREAM_TOTAL_OUT = 40;

    private Liblzma() {}

    /**
     * lzma_ret lzma_stream_buffer_decode(uint64_t *memlimit, uint32_t flags, const lzma_allocator *allocator,
     * const uint8_t *in, size_t *in_pos, size_t in_size, uint8_t *out, size_t *out_pos, size_t out_size)
     */
    static native int lzma_stream_buffer_decode(Pointer memlimit, int flags, Pointer allocator, Pointer in,
            Pointer inPos, long inSize, Pointer out, Pointer outPos, long outSize);

    /** lzma_ret lzma_alone_decoder(lzma_stream *strm, uint64_t memlimit) */
    static native int lzma_alone_decoder(Pointer strm, long memlimit);

    /** lzma_ret lzma_code(lzma_stream *strm, lzma_action action) */
    static native int lzma_code(Pointer strm, int action);

    /** void lzma_end(lzma_stream *strm) */
    static native void lzma_end(Pointer strm);

    /** What a decoder's lzma_ret means, for messages. */
    static String describe(int ret) {
        String what = switch (ret) {
            case 3 -> "LZMA_UNSUPPORTED_CHECK: an integrity check this liblzma cannot verify";
            case 5 -> "LZMA_MEM_ERROR: out of memory";
            case 7 -> "LZMA_FORMAT_ERROR: not an xz or lzma stream";
            case 8 -> "LZMA_OPTIONS_ERROR: unsupported options";
            case 9 -> "LZMA_DATA_ERROR: corrupt data";
            case 10 -> "LZMA_BUF_ERROR: no progress possible";
            default -> "unexpected result";
        };
        return what + " (lzma_ret " + ret + ")";
    }
}
