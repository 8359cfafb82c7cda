package org.spindelta.squashfs.spin;

import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_HEADER_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_MAX;

import java.io.IOException;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.codec.BlockDecompressor;

/** Decodes the stored bytes of one block, as the generator and the applier both need to. */
public final class BlockBytes {
    private BlockBytes() {}

    /**
     * Decodes a compressed block: for a metadata block {@code stored} holds its 2-byte header first.
     *
     * @param max the most it may decode to (block size, or 8192 for metadata)
     * @return the decoded length
     */
    public static int decode(byte[] stored, int storedLength, boolean metadata, BlockDecompressor d, byte[] out, int max,
            String what) throws IOException {
        int skip = metadata ? METADATA_HEADER_SIZE : 0;
        int n;
        try {
            n = d.decompress(stored, skip, storedLength - skip, out, 0, metadata ? METADATA_MAX : max);
        } catch (CorruptInputException e) {
            throw new CorruptInputException(what + ": " + e.getMessage(), e);
        }
        if (n < 1) {
            throw new CorruptInputException(what + " decodes to no bytes");
        }
        return n;
    }
}
