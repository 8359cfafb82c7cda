package org.spindelta.squashfs.encode;

import static org.spindelta.squashfs.encode.Liblzo2.LZO_E_OK;

import com.sun.jna.Memory;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.format.CompressorOptions;
import org.spindelta.squashfs.format.SquashfsConstants;

/**
 * lzo blocks as squashfs-tools 4.5.1's lzo_wrapper.c writes them: the options' algorithm (lzo1x_1,
 * lzo1x_1_11, lzo1x_1_12, lzo1x_1_15, or lzo1x_999 at the options' level, 8 by default, through
 * {@code lzo1x_999_compress_level(src, n, dst, &len, wrk, NULL, 0, NULL, level)}) compresses into a
 * scratch buffer of {@code LZO_MAX_EXPANSION(block_size)}; liblzo2 takes no output capacity, so the
 * wrapper stores the block raw when the result exceeds the capacity, and otherwise runs
 * {@code lzo1x_optimize} on the result, which rewrites it in place and decodes it back over the
 * source (the reason the source is a native copy here). The optimize step is needed: without it nearly
 * every block differs, at the same length (spike doc, "Negative controls").
 */
final class LzoBlockEncoder extends AbstractBlockEncoder {
    private final int algorithm;
    private final int level;
    private final Memory in;
    private final Memory scratch;
    private final Memory work;
    private final Memory length = new Memory(8);

    /**
     * @param algorithm the options' algorithm number, 0..4 ({@link CompressorOptions.Lzo#ALGORITHM_NAMES})
     * @param level lzo1x_999's level, 1..9; ignored by the other algorithms
     */
    LzoBlockEncoder(int blockSize, int algorithm, int level, EncoderIdentity identity) {
        super(blockSize, identity);
        this.algorithm = algorithm;
        this.level = level;
        int capacity = Math.max(blockSize, SquashfsConstants.METADATA_MAX);
        in = new Memory(capacity);
        scratch = new Memory(EncoderConstants.lzoMaxExpansion(capacity));
        work = new Memory(EncoderConstants.LZO_WORK_MEMORY.get(algorithm));
    }

    @Override
    int compress(byte[] src, int off, int len, byte[] dst, BlockRole role, int capacity) throws SpindeltaException {
        in.write(0, src, off, len);
        length.setLong(0, 0);
        int ret = switch (algorithm) {
            case 0 -> Liblzo2.lzo1x_1_compress(in, len, scratch, length, work);
            case 1 -> Liblzo2.lzo1x_1_11_compress(in, len, scratch, length, work);
            case 2 -> Liblzo2.lzo1x_1_12_compress(in, len, scratch, length, work);
            case 3 -> Liblzo2.lzo1x_1_15_compress(in, len, scratch, length, work);
            case CompressorOptions.Lzo.LZO1X_999 -> Liblzo2.lzo1x_999_compress_level(in, len, scratch, length, work,
                    null, 0, null, level);
            default -> throw new IllegalStateException("lzo algorithm " + algorithm);
        };
        String name = CompressorOptions.Lzo.ALGORITHM_NAMES.get(algorithm);
        if (ret != LZO_E_OK) {
            throw failure(name + "_compress", String.valueOf(ret), len, role);
        }
        long n = length.getLong(0);
        if (n > capacity) {
            return 0; // "explicitly check here for overflow"
        }
        if (n >= len) {
            return (int) n; // stored raw whatever optimize would do, so skip it
        }
        length.setLong(0, len);
        ret = Liblzo2.lzo1x_optimize(scratch, n, in, length, null);
        if (ret != LZO_E_OK || length.getLong(0) != len) {
            throw failure("lzo1x_optimize", ret + " with " + length.getLong(0) + " bytes decoded", len, role);
        }
        scratch.read(0, dst, 0, (int) n);
        return (int) n;
    }

    @Override
    void release() {
        in.close();
        scratch.close();
        work.close();
        length.close();
    }
}
