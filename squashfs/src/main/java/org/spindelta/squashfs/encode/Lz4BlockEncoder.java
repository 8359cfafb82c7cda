package org.spindelta.squashfs.encode;

import com.sun.jna.Memory;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.format.SquashfsConstants;

/**
 * lz4 blocks as squashfs-tools' lz4_wrapper.c writes them: raw LZ4 blocks (no frame) from
 * {@code LZ4_compress_default(src, dest, size, capacity)}, or with -Xhc
 * {@code LZ4_compress_HC(src, dest, size, capacity, 12)}; 0 means "no room". The 12-byte options of
 * squashfs-tools 4.7 (flag NON_DEFAULT and a data word) select {@code LZ4_compress_fast} with that
 * acceleration, or {@code LZ4_compress_HC} with that level, as the wrapper's COMPRESS and COMPRESS_HC
 * macros do there; those were not measured against a 4.7 mksquashfs.
 */
final class Lz4BlockEncoder extends AbstractBlockEncoder {
    /** How the wrapper calls liblz4. */
    enum Mode {
        DEFAULT, FAST, HC
    }

    private final Mode mode;
    private final int parameter;
    private final Memory in;
    private final Memory out;

    /** @param parameter the acceleration for FAST, the level for HC; unused for DEFAULT */
    Lz4BlockEncoder(int blockSize, Mode mode, int parameter, EncoderIdentity identity) {
        super(blockSize, identity);
        this.mode = mode;
        this.parameter = parameter;
        int capacity = Math.max(blockSize, SquashfsConstants.METADATA_MAX);
        in = new Memory(capacity);
        out = new Memory(capacity);
    }

    @Override
    int compress(byte[] src, int off, int len, byte[] dst, BlockRole role, int capacity) throws SpindeltaException {
        in.write(0, src, off, len);
        int n = switch (mode) {
            case DEFAULT -> Liblz4.LZ4_compress_default(in, out, len, capacity);
            case FAST -> Liblz4.LZ4_compress_fast(in, out, len, capacity, parameter);
            case HC -> Liblz4.LZ4_compress_HC(in, out, len, capacity, parameter);
        };
        if (n < 0) {
            // lz4_compress: "All other errors return failure"
            throw failure("LZ4_compress (" + mode + ")", String.valueOf(n), len, role);
        }
        if (n > 0 && n < len) {
            out.read(0, dst, 0, n);
        }
        return n;
    }

    @Override
    void release() {
        in.close();
        out.close();
    }
}
