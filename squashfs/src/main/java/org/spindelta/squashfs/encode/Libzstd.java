package org.spindelta.squashfs.encode;

import com.sun.jna.Pointer;

/**
 * The libzstd.so.1 calls the zstd encoder makes, bound with JNA direct mapping. The system library,
 * not zstd-jni: zstd-jni bundles its own libzstd (1.5.6 in the version this build uses), whose output
 * differs from the 1.5.4 mksquashfs linked (reference doc squashfs.md §2).
 */
final class Libzstd {
    static final String SONAME = "libzstd.so.1";
    static final NativeCodecLibrary LIBRARY = NativeCodecLibrary.register(Libzstd.class, SONAME);

    private Libzstd() {}

    static native String ZSTD_versionString();

    static native Pointer ZSTD_createCCtx();

    static native long ZSTD_freeCCtx(Pointer cctx);

    static native long ZSTD_compressCCtx(Pointer cctx, Pointer dst, long dstCapacity, Pointer src, long srcSize,
            int level);

    /** Non-zero when a size_t result is an error code. */
    static native int ZSTD_isError(long code);
}
