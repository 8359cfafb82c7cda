package org.spindelta.squashfs.encode;

import static org.spindelta.squashfs.encode.EncoderConstants.LZMA_PROPS_SIZE;
import static org.spindelta.squashfs.encode.EncoderConstants.LZMA_UNCOMP_SIZE;
import static org.spindelta.squashfs.encode.Liblzma.LZMA_FINISH;
import static org.spindelta.squashfs.encode.Liblzma.LZMA_OK;
import static org.spindelta.squashfs.encode.Liblzma.LZMA_STREAM_END;
import static org.spindelta.squashfs.encode.Liblzma.OPTIONS_DICT_SIZE;
import static org.spindelta.squashfs.encode.Liblzma.OPTIONS_LZMA_SIZE;
import static org.spindelta.squashfs.encode.Liblzma.STREAM_AVAIL_IN;
import static org.spindelta.squashfs.encode.Liblzma.STREAM_AVAIL_OUT;
import static org.spindelta.squashfs.encode.Liblzma.STREAM_NEXT_IN;
import static org.spindelta.squashfs.encode.Liblzma.STREAM_NEXT_OUT;
import static org.spindelta.squashfs.encode.Liblzma.STREAM_SIZE;
import static org.spindelta.squashfs.encode.Liblzma.STREAM_TOTAL_OUT;

import com.sun.jna.Memory;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.format.SquashfsConstants;

/**
 * Legacy lzma blocks ({@code mksquashfs -comp lzma}) as squashfs-tools 4.5.1's lzma_xz_wrapper.c
 * writes them when built against liblzma (Debian's build): per block, a fresh
 * {@code lzma_alone_encoder} with preset 5 and the dictionary set to the capacity (the block size for
 * data and fragment blocks, 8192 for metadata), one {@code lzma_code(LZMA_FINISH)} into the capacity,
 * {@code lzma_end}. The .lzma stream carries an end-of-payload marker; mksquashfs then overwrites the
 * header's 8-byte uncompressed size (all ones from the encoder: unknown) with the block's size, low 4
 * bytes little-endian and the high 4 zero. {@code LZMA_OK} from that one call means the output filled
 * the capacity, and the block is stored raw.
 */
final class LzmaBlockEncoder extends AbstractBlockEncoder {
    private final Memory options = new Memory(OPTIONS_LZMA_SIZE);
    private final Memory stream = new Memory(STREAM_SIZE);
    private final Memory in;
    private final Memory out;

    LzmaBlockEncoder(int blockSize, EncoderIdentity identity) {
        super(blockSize, identity);
        int capacity = Math.max(blockSize, SquashfsConstants.METADATA_MAX);
        in = new Memory(capacity);
        out = new Memory(capacity);
    }

    @Override
    int compress(byte[] src, int off, int len, byte[] dst, BlockRole role, int capacity) throws SpindeltaException {
        in.write(0, src, off, len);
        if (Liblzma.lzma_lzma_preset(options, EncoderConstants.LZMA_PRESET) != 0) {
            throw failure("lzma_lzma_preset(" + EncoderConstants.LZMA_PRESET + ")", "true (error)", len, role);
        }
        // lzma_compress: "opt.dict_size = block_size", the block_size argument being the capacity
        options.setInt(OPTIONS_DICT_SIZE, capacity);
        stream.clear(); // LZMA_STREAM_INIT
        int ret = Liblzma.lzma_alone_encoder(stream, options);
        if (ret != LZMA_OK) {
            Liblzma.lzma_end(stream);
            throw failure("lzma_alone_encoder", Liblzma.retName(ret), len, role);
        }
        stream.setPointer(STREAM_NEXT_OUT, out);
        stream.setLong(STREAM_AVAIL_OUT, capacity);
        stream.setPointer(STREAM_NEXT_IN, in);
        stream.setLong(STREAM_AVAIL_IN, len);
        ret = Liblzma.lzma_code(stream, LZMA_FINISH);
        long total = stream.getLong(STREAM_TOTAL_OUT);
        Liblzma.lzma_end(stream);
        if (ret == LZMA_OK) {
            return 0; // "Output buffer overflow. Return out of buffer space"
        }
        if (ret != LZMA_STREAM_END) {
            throw failure("lzma_code(LZMA_FINISH)", Liblzma.retName(ret), len, role);
        }
        if (total > 0 && total < len) {
            out.read(0, dst, 0, (int) total);
            for (int i = 0; i < LZMA_UNCOMP_SIZE; i++) {
                // "Fill in the 8 byte little endian uncompressed size field in the LZMA header"
                dst[LZMA_PROPS_SIZE + i] = i < 4 ? (byte) (len >>> (8 * i)) : 0;
            }
        }
        return (int) total;
    }

    @Override
    void release() {
        options.close();
        stream.close();
        in.close();
        out.close();
    }
}
