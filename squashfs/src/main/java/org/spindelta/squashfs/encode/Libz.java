package org.spindelta.squashfs.encode;

import com.sun.jna.Pointer;

/**
 * The libz.so.1 calls the gzip encoder makes when {@link java.util.zip.Deflater} cannot reproduce the
 * image's options (a window below 15, or the run_length_encoded or fixed strategy), bound with JNA
 * direct mapping. {@code z_stream} lives in a {@code Memory} block; the offsets below are its LP64
 * layout (checked with offsetof against zlib 1.2.13's zlib.h).
 */
final class Libz {
    static final String SONAME = "libz.so.1";
    static final NativeCodecLibrary LIBRARY = NativeCodecLibrary.register(Libz.class, SONAME);

    static final int Z_OK = 0;
    static final int Z_STREAM_END = 1;
    static final int Z_FINISH = 4;
    static final int Z_DEFLATED = 8;

    /** sizeof(z_stream) on LP64, passed to deflateInit2_ as its ABI check. */
    static final int STREAM_SIZE = 112;
    static final int STREAM_NEXT_IN = 0;
    static final int STREAM_AVAIL_IN = 8;
    static final int STREAM_NEXT_OUT = 24;
    static final int STREAM_AVAIL_OUT = 32;
    static final int STREAM_TOTAL_OUT = 40;

    private Libz() {}

    static native String zlibVersion();

    /** What the deflateInit2 macro calls; {@code version} is checked by its first character only. */
    static native int deflateInit2_(Pointer stream, int level, int method, int windowBits, int memLevel,
            int strategy, String version, int streamSize);

    static native int deflateReset(Pointer stream);

    static native int deflateParams(Pointer stream, int level, int strategy);

    static native int deflate(Pointer stream, int flush);

    static native int deflateEnd(Pointer stream);
}
