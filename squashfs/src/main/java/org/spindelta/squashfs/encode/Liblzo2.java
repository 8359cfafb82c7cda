package org.spindelta.squashfs.encode;

import com.sun.jna.Pointer;

/**
 * The liblzo2.so.2 calls the lzo encoder makes (lzo1x.h of LZO 2.x), bound with JNA direct mapping.
 * {@code lzo_uint} is {@code size_t} ({@code long}); {@code *dst_len} is written through an 8-byte
 * {@code Memory}. {@code __lzo_init_v2} is not called: mksquashfs does not call it either, and the
 * compressors work without it (spike doc, "Traps: lzo").
 */
final class Liblzo2 {
    static final String SONAME = "liblzo2.so.2";
    static final NativeCodecLibrary LIBRARY = NativeCodecLibrary.register(Liblzo2.class, SONAME);

    static final int LZO_E_OK = 0;

    private Liblzo2() {}

    static native String lzo_version_string();

    static native int lzo1x_1_compress(Pointer src, long srcLen, Pointer dst, Pointer dstLen, Pointer wrkmem);

    static native int lzo1x_1_11_compress(Pointer src, long srcLen, Pointer dst, Pointer dstLen, Pointer wrkmem);

    static native int lzo1x_1_12_compress(Pointer src, long srcLen, Pointer dst, Pointer dstLen, Pointer wrkmem);

    static native int lzo1x_1_15_compress(Pointer src, long srcLen, Pointer dst, Pointer dstLen, Pointer wrkmem);

    static native int lzo1x_999_compress_level(Pointer src, long srcLen, Pointer dst, Pointer dstLen,
            Pointer wrkmem, Pointer dict, long dictLen, Pointer callback, int level);

    /**
     * Rewrites {@code src} in place into an equivalent encoding of the same length (literal runs
     * merged); decodes it into {@code dst} on the way, setting {@code *dstLen} to the decoded length.
     */
    static native int lzo1x_optimize(Pointer src, long srcLen, Pointer dst, Pointer dstLen, Pointer wrkmem);
}
