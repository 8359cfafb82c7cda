package org.spindelta.squashfs.encode;

import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.format.SquashfsConstants;

/**
 * gzip (zlib) blocks as squashfs-tools 4.5.1's gzip_wrapper.c writes them. Each mksquashfs stream is
 * one deflate stream: {@code deflateInit2(level, Z_DEFLATED, window, 8, first strategy)}.
 * {@code gzip_compress} then runs one pass per strategy of the stream ({@code deflateReset},
 * {@code deflateParams(level, strategy)} only when there are several, {@code deflate(Z_FINISH)} into
 * the capacity) and keeps the first of the strictly smallest results that ended the stream; none
 * ending means "no room". Data and fragment blocks use the options' strategies (the default one when
 * none is selected); the metadata stream always uses the default strategy alone ({@code gzip_init}:
 * "if(!datablock || !strategy_count)"), with the same level and window.
 */
final class GzipBlockEncoder extends AbstractBlockEncoder {
    /** zlib strategy values of the options' strategy bits; bit i is zlib strategy i (Z_DEFAULT_STRATEGY 0,
     * Z_FILTERED 1, Z_HUFFMAN_ONLY 2, Z_RLE 3, Z_FIXED 4), in gzip_wrapper.c's {@code strategy[]} order. */
    private final int[] dataStrategies;
    /** The metadata stream's only strategy, Z_DEFAULT_STRATEGY. */
    private static final int[] DEFAULT_ONLY = {0};
    private final DeflateStream data;
    private final DeflateStream metadata;

    /** Opens the two deflate streams; {@code factory} picks the implementation. */
    interface StreamFactory {
        DeflateStream open(int strategy, int capacity) throws SpindeltaException;
    }

    GzipBlockEncoder(int blockSize, int[] dataStrategies, StreamFactory streams, EncoderIdentity identity)
            throws SpindeltaException {
        super(blockSize, identity);
        this.dataStrategies = dataStrategies.clone();
        DeflateStream d = streams.open(this.dataStrategies[0], Math.max(blockSize, SquashfsConstants.METADATA_MAX));
        try {
            metadata = streams.open(DEFAULT_ONLY[0], Math.max(blockSize, SquashfsConstants.METADATA_MAX));
        } catch (SpindeltaException | RuntimeException e) {
            d.close();
            throw e;
        }
        data = d;
    }

    /** The options' strategy mask as zlib strategies in bit order; the default strategy alone for 0. */
    static int[] strategies(int mask) {
        int[] s = new int[Integer.bitCount(mask)];
        int j = 0;
        for (int i = 0; i < 32; i++) {
            if ((mask >> i & 1) != 0) {
                s[j++] = i;
            }
        }
        return s.length == 0 ? new int[] {0} : s;
    }

    @Override
    int compress(byte[] in, int off, int len, byte[] out, BlockRole role, int capacity) throws SpindeltaException {
        DeflateStream stream = role == BlockRole.DATA ? data : metadata;
        int[] strategies = role == BlockRole.DATA ? dataStrategies : DEFAULT_ONLY;
        stream.input(in, off, len);
        boolean setParams = strategies.length > 1;
        int best = -1;
        for (int strategy : strategies) {
            int n = stream.pass(strategy, setParams, capacity);
            // "if(!selected || selected->length > strategy->length)": strictly smaller wins
            if (n >= 0 && (best < 0 || n < best)) {
                best = n;
                stream.keep();
            }
        }
        if (best < 0) {
            return 0;
        }
        if (best > 0 && best < len) {
            stream.copyBest(out, best);
        }
        return best;
    }

    @Override
    void release() {
        data.close();
        metadata.close();
    }
}
