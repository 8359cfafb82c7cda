package org.spindelta.squashfs.encode;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * The liblzma.so.5 calls the xz and lzma encoders make (lzma.h of XZ Utils 5.x), bound with JNA direct
 * mapping. {@code size_t} is {@code long}; {@code lzma_ret} and enums are {@code int};
 * {@code lzma_bool} (an unsigned char) is {@code byte}.
 *
 * <p>Structures are not mapped: the encoders keep them in {@code Memory} blocks and poke the few
 * fields they set at the offsets below (x86-64 / LP64 layouts, checked with offsetof against the
 * 5.4.1 headers).
 */
final class Liblzma {
    static final String SONAME = "liblzma.so.5";
    static final NativeCodecLibrary LIBRARY = NativeCodecLibrary.register(Liblzma.class, SONAME);

    // lzma_ret values
    static final int LZMA_OK = 0;
    static final int LZMA_STREAM_END = 1;
    /** lzma_stream_buffer_encode: the output does not fit out_size (mksquashfs: store the block raw). */
    static final int LZMA_BUF_ERROR = 10;

    /** lzma_check: CRC32, what mksquashfs's xz wrapper asks for. */
    static final int LZMA_CHECK_CRC32 = 1;
    /** lzma_action for lzma_code: finish the stream. */
    static final int LZMA_FINISH = 3;

    // filter ids (lzma/bcj.h, lzma/lzma12.h); a chain ends with LZMA_VLI_UNKNOWN
    static final long LZMA_FILTER_X86 = 0x04;
    static final long LZMA_FILTER_POWERPC = 0x05;
    static final long LZMA_FILTER_IA64 = 0x06;
    static final long LZMA_FILTER_ARM = 0x07;
    static final long LZMA_FILTER_ARMTHUMB = 0x08;
    static final long LZMA_FILTER_SPARC = 0x09;
    static final long LZMA_FILTER_ARM64 = 0x0A;
    static final long LZMA_FILTER_RISCV = 0x0B;
    static final long LZMA_FILTER_LZMA2 = 0x21;
    static final long LZMA_VLI_UNKNOWN = -1L;

    /**
     * A filter array (lzma_filter[]) in native memory: the BCJ filters given (no options), then LZMA2 with
     * the options at {@code lzma}, then the end mark. liblzma reads it at each encoder's init.
     */
    static Memory filterChain(Pointer lzma, long... bcj) {
        Memory m = new Memory((long) FILTER_SIZE * (bcj.length + 2));
        m.clear();
        int at = 0;
        for (long id : bcj) {
            m.setLong(at, id);
            m.setPointer(at + 8, null);
            at += FILTER_SIZE;
        }
        m.setLong(at, LZMA_FILTER_LZMA2);
        m.setPointer(at + 8, lzma);
        m.setLong(at + FILTER_SIZE, LZMA_VLI_UNKNOWN);
        m.setPointer(at + FILTER_SIZE + 8, null);
        return m;
    }

    /** LZMA_DICT_SIZE_MIN: the smallest dictionary liblzma accepts. */
    static final int LZMA_DICT_SIZE_MIN = 4096;
    /** sizeof(lzma_filter): {lzma_vli id; void *options}. */
    static final int FILTER_SIZE = 16;
    /** sizeof(lzma_options_lzma) is 112 in 5.4; room to spare for later versions' reserved fields. */
    static final int OPTIONS_LZMA_SIZE = 256;
    /** lzma_options_lzma.dict_size, its first field. */
    static final int OPTIONS_DICT_SIZE = 0;
    /** sizeof(lzma_stream) is 136 in 5.4; LZMA_STREAM_INIT is all zero bytes. */
    static final int STREAM_SIZE = 256;
    static final int STREAM_NEXT_IN = 0;
    static final int STREAM_AVAIL_IN = 8;
    static final int STREAM_NEXT_OUT = 24;
    static final int STREAM_AVAIL_OUT = 32;
    static final int STREAM_TOTAL_OUT = 40;

    private Liblzma() {}

    static native String lzma_version_string();

    static native byte lzma_lzma_preset(Pointer options, int preset);

    static native byte lzma_filter_encoder_is_supported(long id);

    static native int lzma_stream_buffer_encode(Pointer filters, int check, Pointer allocator, Pointer in,
            long inSize, Pointer out, Pointer outPos, long outSize);

    static native int lzma_alone_encoder(Pointer stream, Pointer options);

    static native int lzma_code(Pointer stream, int action);

    static native void lzma_end(Pointer stream);

    /** lzma_action for lzma_code: go on encoding what is given. */
    static final int LZMA_RUN = 0;
    /** lzma_check: CRC64, xz's default for .xz files. */
    static final int LZMA_CHECK_CRC64 = 4;
    /** sizeof(lzma_mt) is 128 in 5.4 (reserved fields included); all zero bytes is a valid start. */
    static final int MT_SIZE = 256;
    static final int MT_THREADS = 4;
    static final int MT_BLOCK_SIZE = 8;
    static final int MT_PRESET = 20;
    /** lzma_mt.filters: a filter chain used instead of the preset when not NULL. */
    static final int MT_FILTERS = 24;
    static final int MT_CHECK = 32;

    static native int lzma_stream_encoder_mt(Pointer stream, Pointer mt);

    static native long lzma_stream_encoder_mt_memusage(Pointer mt);

    /** A name for an lzma_ret value, for messages. */
    static String retName(int ret) {
        String[] names = {"LZMA_OK", "LZMA_STREAM_END", "LZMA_NO_CHECK", "LZMA_UNSUPPORTED_CHECK", "LZMA_GET_CHECK",
            "LZMA_MEM_ERROR", "LZMA_MEMLIMIT_ERROR", "LZMA_FORMAT_ERROR", "LZMA_OPTIONS_ERROR", "LZMA_DATA_ERROR",
            "LZMA_BUF_ERROR", "LZMA_PROG_ERROR"};
        return ret >= 0 && ret < names.length ? ret + " (" + names[ret] + ")" : String.valueOf(ret);
    }
}
