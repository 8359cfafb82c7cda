package org.spindelta.squashfs.encode;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.format.SquashfsConstants;

/**
 * zstd blocks as squashfs-tools 4.5.1's zstd_wrapper.c writes them: one frame per block from
 * {@code ZSTD_compressCCtx(cctx, dest, capacity, src, size, level)} with the context created once per
 * stream ({@code zstd_init}), the options' level (15 by default), and any error, including "no room",
 * taken to mean "store raw" (the wrapper's FIXME: zstd has no stable error codes).
 */
final class ZstdBlockEncoder extends AbstractBlockEncoder {
    private final int level;
    private Pointer cctx;
    private final Memory in;
    private final Memory out;

    /** @throws SpindeltaException if libzstd cannot allocate a context */
    ZstdBlockEncoder(int blockSize, int level, EncoderIdentity identity) throws SpindeltaException {
        super(blockSize, identity);
        this.level = level;
        int capacity = Math.max(blockSize, SquashfsConstants.METADATA_MAX);
        cctx = Libzstd.ZSTD_createCCtx();
        if (cctx == null) {
            throw new SpindeltaException("zstd encoder failed: ZSTD_createCCtx returned NULL (" + identity + ")");
        }
        in = new Memory(capacity);
        out = new Memory(capacity);
    }

    @Override
    int compress(byte[] src, int off, int len, byte[] dst, BlockRole role, int capacity) {
        in.write(0, src, off, len);
        long n = Libzstd.ZSTD_compressCCtx(cctx, out, capacity, in, len, level);
        if (Libzstd.ZSTD_isError(n) != 0) {
            return 0;
        }
        if (n > 0 && n < len) {
            out.read(0, dst, 0, (int) n);
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    @Override
    void release() {
        Libzstd.ZSTD_freeCCtx(cctx);
        cctx = null;
        in.close();
        out.close();
    }
}
