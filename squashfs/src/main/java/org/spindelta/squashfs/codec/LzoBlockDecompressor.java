package org.spindelta.squashfs.codec;

import io.airlift.compress.lzo.LzoDecompressor;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.format.Compressor;

/**
 * lzo (id 3) blocks: raw LZO1X streams (every lzo1x_* compressor mksquashfs offers writes the same
 * format; unsquashfs decodes them with {@code lzo1x_decompress_safe}). Decoded with aircompressor's
 * pure-Java {@link LzoDecompressor}, which checks every read and write against the given ranges.
 * Not thread-safe by contract, though the current decompressor keeps no state.
 */
public final class LzoBlockDecompressor implements BlockDecompressor {
    private final LzoDecompressor lzo = new LzoDecompressor();

    @Override
    public Compressor compressor() {
        return Compressor.LZO;
    }

    @Override
    public int decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int maxOut)
            throws CorruptInputException {
        CodecErrors.checkRanges(src, srcOff, srcLen, dst, dstOff, maxOut);
        if (srcLen == 0) {
            throw CodecErrors.truncated(Compressor.LZO, srcLen, 0);
        }
        try {
            return lzo.decompress(src, srcOff, srcLen, dst, dstOff, maxOut);
        } catch (RuntimeException e) {
            // MalformedInputException: bad stream, truncated, or output that would not fit maxOut
            throw CodecErrors.corrupt(Compressor.LZO, srcLen, "malformed lzo1x stream or more than " + maxOut
                    + " bytes of output", e);
        }
    }
}
