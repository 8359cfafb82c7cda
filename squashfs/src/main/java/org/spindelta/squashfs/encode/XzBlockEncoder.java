package org.spindelta.squashfs.encode;

import static org.spindelta.squashfs.encode.Liblzma.LZMA_BUF_ERROR;
import static org.spindelta.squashfs.encode.Liblzma.LZMA_CHECK_CRC32;
import static org.spindelta.squashfs.encode.Liblzma.LZMA_OK;
import static org.spindelta.squashfs.encode.Liblzma.OPTIONS_DICT_SIZE;
import static org.spindelta.squashfs.encode.Liblzma.OPTIONS_LZMA_SIZE;

import com.sun.jna.Memory;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.format.SquashfsConstants;

/**
 * xz blocks as squashfs-tools 4.5.1's xz_wrapper.c writes them: one complete .xz stream per block from
 * {@code lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC32, NULL, in, n, out, &pos, capacity)}, with
 * LZMA2 at preset 6 and the dictionary set to the options' size (the block size by default).
 *
 * <p>Data and fragment blocks try the chain LZMA2 alone, then one chain per BCJ filter the options
 * select ([filter, LZMA2], in mask bit order), and keep the <em>strictly</em> smallest, so the first of
 * equal results wins; a chain whose output does not fit ({@code LZMA_BUF_ERROR}) drops out. Metadata
 * blocks use LZMA2 alone with an 8192-byte dictionary ({@code xz_init} with datablock = 0). Both the
 * LZMA2-alone candidate and the metadata dictionary matter: leaving either out breaks most blocks
 * (spike doc, "Negative controls").
 */
final class XzBlockEncoder extends AbstractBlockEncoder {
    private final int dictionarySize;
    private final Memory options = new Memory(OPTIONS_LZMA_SIZE);
    /** Filter chains for data blocks: [LZMA2, end], then [bcj, LZMA2, end] per selected filter. */
    private final Memory[] dataChains;
    private final Memory metadataChain;
    private final Memory in;
    /** The best candidate so far and the one being tried; swapped when the tried one wins. */
    private Memory best;
    private Memory trial;
    private final Memory outPos = new Memory(8);

    /**
     * @param bcjFilters liblzma filter ids, in the order mksquashfs tries them
     */
    XzBlockEncoder(int blockSize, int dictionarySize, long[] bcjFilters, EncoderIdentity identity) {
        super(blockSize, identity);
        this.dictionarySize = dictionarySize;
        this.dataChains = new Memory[1 + bcjFilters.length];
        dataChains[0] = Liblzma.filterChain(options);
        for (int i = 0; i < bcjFilters.length; i++) {
            dataChains[i + 1] = Liblzma.filterChain(options, bcjFilters[i]);
        }
        metadataChain = dataChains[0];
        // a metadata block (8192 bytes) can be larger than a 4 KiB data block
        int capacity = Math.max(blockSize, SquashfsConstants.METADATA_MAX);
        in = new Memory(capacity);
        best = new Memory(capacity);
        trial = new Memory(capacity);
    }

    @Override
    int compress(byte[] src, int off, int len, byte[] out, BlockRole role, int capacity) throws SpindeltaException {
        in.write(0, src, off, len);
        boolean data = role == BlockRole.DATA;
        int dict = data ? dictionarySize : SquashfsConstants.METADATA_MAX;
        int chains = data ? dataChains.length : 1;
        long bestLength = -1;
        for (int i = 0; i < chains; i++) {
            // xz_compress presets the shared options before every candidate
            if (Liblzma.lzma_lzma_preset(options, EncoderConstants.XZ_PRESET) != 0) {
                throw failure("lzma_lzma_preset(" + EncoderConstants.XZ_PRESET + ")", "true (error)", len, role);
            }
            options.setInt(OPTIONS_DICT_SIZE, dict);
            outPos.setLong(0, 0);
            int ret = Liblzma.lzma_stream_buffer_encode(data ? dataChains[i] : metadataChain, LZMA_CHECK_CRC32, null,
                    in, len, trial, outPos, capacity);
            if (ret == LZMA_OK) {
                long n = outPos.getLong(0);
                if (bestLength < 0 || n < bestLength) {
                    bestLength = n;
                    Memory t = best;
                    best = trial;
                    trial = t;
                }
            } else if (ret != LZMA_BUF_ERROR) {
                throw failure("lzma_stream_buffer_encode", Liblzma.retName(ret), len, role);
            }
        }
        if (bestLength <= 0) {
            return 0;
        }
        if (bestLength < len) {
            best.read(0, out, 0, (int) bestLength);
        }
        return (int) bestLength;
    }

    @Override
    void release() {
        options.close();
        for (Memory m : dataChains) {
            m.close();
        }
        in.close();
        best.close();
        trial.close();
        outPos.close();
    }
}
