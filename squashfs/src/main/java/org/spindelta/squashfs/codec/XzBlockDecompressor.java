package org.spindelta.squashfs.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.format.Compressor;
import org.spindelta.squashfs.format.SquashfsConstants;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.SingleXZInputStream;

/**
 * xz (id 4) blocks: each is one complete .xz stream (mksquashfs calls {@code lzma_stream_buffer_encode}
 * with CRC32, LZMA2 and optionally a BCJ filter). As unsquashfs's {@code lzma_stream_buffer_decode}
 * call requires, the stream must use up the whole block: bytes after it are corruption. Not
 * thread-safe (holds an array cache that reuses the dictionary between blocks).
 */
public final class XzBlockDecompressor implements BlockDecompressor {
    /**
     * LZMA2's dictionary is at most the block size (mksquashfs refuses -Xdict-size above it), so at most
     * 1 MiB; xz-java needs dictionary + 64 KiB input buffer + ~40 KiB state: 1024 + 64 + 40 = 1128 KiB.
     * The limit leaves room for a BCJ filter and rounding and refuses anything bigger before allocating.
     */
    static final int MEMORY_LIMIT_KIB = SquashfsConstants.MAX_BLOCK_SIZE / 1024 + 1024;

    private final ArrayCache cache = new BasicArrayCache();

    @Override
    public Compressor compressor() {
        return Compressor.XZ;
    }

    @Override
    public int decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int maxOut)
            throws CorruptInputException {
        CodecErrors.checkRanges(src, srcOff, srcLen, dst, dstOff, maxOut);
        ByteArrayInputStream in = new ByteArrayInputStream(src, srcOff, srcLen);
        int n;
        try (SingleXZInputStream xz = new SingleXZInputStream(in, MEMORY_LIMIT_KIB, true, cache)) {
            n = readAtMost(xz, dst, dstOff, maxOut);
            if (n == maxOut && xz.read() != -1) {
                throw CodecErrors.tooLarge(Compressor.XZ, srcLen, maxOut);
            }
        } catch (MemoryLimitException e) {
            throw CodecErrors.corrupt(Compressor.XZ, srcLen, "the stream needs " + e.getMemoryNeeded()
                    + " KiB to decode, more than a " + SquashfsConstants.MAX_BLOCK_SIZE + "-byte block allows ("
                    + MEMORY_LIMIT_KIB + " KiB)", null);
        } catch (CorruptInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw CodecErrors.corrupt(Compressor.XZ, srcLen, "invalid xz stream", e);
        }
        if (in.available() != 0) {
            throw CodecErrors.corrupt(Compressor.XZ, srcLen, in.available() + " bytes follow the end of the xz stream",
                    null);
        }
        return n;
    }

    /** Reads until end of stream or until {@code max} bytes; returns the count. */
    static int readAtMost(InputStream in, byte[] dst, int off, int max) throws IOException {
        int n = 0;
        while (n < max) {
            int k = in.read(dst, off + n, max - n);
            if (k < 0) {
                break;
            }
            n += k;
        }
        return n;
    }
}
