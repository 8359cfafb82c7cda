package org.spindelta.squashfs.codec;

import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.format.Compressor;

/**
 * lz4 (id 5) blocks: raw LZ4 block format without a frame (squashfs calls it LZ4_LEGACY), as
 * {@code LZ4_compress_default} / {@code LZ4_compress_HC} write them. The uncompressed size is not
 * stored, so this uses lz4-java's bounds-checked pure-Java "safe" decompressor (the counterpart of
 * {@code LZ4_decompress_safe}, which unsquashfs calls) with the output room as its limit; neither the
 * JNI nor the Unsafe-based instance is used on untrusted input. Stateless apart from the shared
 * decompressor, which lz4-java documents as thread-safe.
 */
public final class Lz4BlockDecompressor implements BlockDecompressor {
    private static final LZ4SafeDecompressor LZ4 = LZ4Factory.safeInstance().safeDecompressor();

    @Override
    public Compressor compressor() {
        return Compressor.LZ4;
    }

    @Override
    public int decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int maxOut)
            throws CorruptInputException {
        CodecErrors.checkRanges(src, srcOff, srcLen, dst, dstOff, maxOut);
        if (srcLen == 0) {
            throw CodecErrors.truncated(Compressor.LZ4, srcLen, 0);
        }
        try {
            return LZ4.decompress(src, srcOff, srcLen, dst, dstOff, maxOut);
        } catch (RuntimeException e) {
            // LZ4Exception: malformed input, or output that would not fit maxOut (lz4 cannot tell them apart)
            throw CodecErrors.corrupt(Compressor.LZ4, srcLen, "malformed lz4 block or more than " + maxOut
                    + " bytes of output", e);
        }
    }
}
