package org.spindelta.squashfs.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.format.Compressor;

/**
 * zstd (id 6) blocks: Zstandard frames as {@code ZSTD_compressCCtx} writes them. Decoded in one call
 * straight into the caller's buffer ({@code ZSTD_decompressDCtx}, as unsquashfs's
 * {@code ZSTD_decompress}), so no window buffer is allocated from the frame header's claims. Not
 * thread-safe (one reusable native context; {@link #close()} frees it).
 */
public final class ZstdBlockDecompressor implements BlockDecompressor {
    private final ZstdDecompressCtx ctx = new ZstdDecompressCtx();

    @Override
    public Compressor compressor() {
        return Compressor.ZSTD;
    }

    @Override
    public int decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int maxOut)
            throws CorruptInputException {
        CodecErrors.checkRanges(src, srcOff, srcLen, dst, dstOff, maxOut);
        if (srcLen == 0) {
            throw CodecErrors.truncated(Compressor.ZSTD, srcLen, 0);
        }
        try {
            return ctx.decompressByteArray(dst, dstOff, maxOut, src, srcOff, srcLen);
        } catch (ZstdException e) {
            if (e.getErrorCode() == Zstd.errDstSizeTooSmall()) {
                throw CodecErrors.tooLarge(Compressor.ZSTD, srcLen, maxOut);
            }
            throw CodecErrors.corrupt(Compressor.ZSTD, srcLen, "invalid zstd frame", e);
        } catch (RuntimeException e) {
            throw CodecErrors.corrupt(Compressor.ZSTD, srcLen, "invalid zstd frame", e);
        }
    }

    @Override
    public void close() {
        ctx.close();
    }
}
