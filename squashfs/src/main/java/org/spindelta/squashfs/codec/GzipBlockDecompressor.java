package org.spindelta.squashfs.codec;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.format.Compressor;

/**
 * gzip (id 1) blocks: zlib streams (RFC 1950 header and Adler-32), as mksquashfs's gzip wrapper
 * writes them with {@code deflateInit2}. Like unsquashfs's {@code uncompress()}, bytes after the end
 * of the stream are ignored. Not thread-safe (one reusable {@link Inflater}).
 */
public final class GzipBlockDecompressor implements BlockDecompressor {
    private final Inflater inflater = new Inflater();
    /** One byte to learn whether a stream that filled {@code maxOut} has more to give. */
    private final byte[] probe = new byte[1];

    @Override
    public Compressor compressor() {
        return Compressor.ZLIB;
    }

    @Override
    public int decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int maxOut)
            throws CorruptInputException {
        CodecErrors.checkRanges(src, srcOff, srcLen, dst, dstOff, maxOut);
        inflater.reset();
        inflater.setInput(src, srcOff, srcLen);
        int n = 0;
        try {
            while (!inflater.finished()) {
                int k = n < maxOut ? inflater.inflate(dst, dstOff + n, maxOut - n) : inflater.inflate(probe, 0, 1);
                if (n == maxOut && k > 0) {
                    throw CodecErrors.tooLarge(Compressor.ZLIB, srcLen, maxOut);
                }
                n += k;
                if (k == 0 && !inflater.finished()) {
                    if (inflater.needsDictionary()) {
                        throw CodecErrors.corrupt(Compressor.ZLIB, srcLen, "the stream asks for a preset dictionary",
                                null);
                    }
                    if (inflater.needsInput()) {
                        throw CodecErrors.truncated(Compressor.ZLIB, srcLen, n);
                    }
                    throw CodecErrors.corrupt(Compressor.ZLIB, srcLen, "inflate made no progress", null);
                }
            }
        } catch (DataFormatException | RuntimeException e) {
            throw CodecErrors.corrupt(Compressor.ZLIB, srcLen, "invalid zlib data", e);
        }
        return n;
    }

    @Override
    public void close() {
        inflater.end();
    }
}
