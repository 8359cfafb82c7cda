package org.spindelta.squashfs.encode;

import com.sun.jna.Pointer;

/**
 * The liblz4.so.1 calls the lz4 encoder makes, bound with JNA direct mapping. Each returns the
 * compressed size, or 0 when the output does not fit {@code maxDst}.
 */
final class Liblz4 {
    static final String SONAME = "liblz4.so.1";
    static final NativeCodecLibrary LIBRARY = NativeCodecLibrary.register(Liblz4.class, SONAME);

    private Liblz4() {}

    static native String LZ4_versionString();

    static native int LZ4_compress_default(Pointer src, Pointer dst, int srcSize, int maxDst);

    static native int LZ4_compress_fast(Pointer src, Pointer dst, int srcSize, int maxDst, int acceleration);

    static native int LZ4_compress_HC(Pointer src, Pointer dst, int srcSize, int maxDst, int level);
}
