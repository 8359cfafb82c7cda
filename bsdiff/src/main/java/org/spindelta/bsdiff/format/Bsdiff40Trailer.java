package org.spindelta.bsdiff.format;

import java.util.Arrays;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;
import org.spindelta.core.Sha256;

/**
 * spindelta's checksums inside a BSDIFF40 patch (docs/formats/bsdiff40-trailer.md): 80 bytes
 * appended to the decompressed control block after the last control triple. bspatch 4.3 reads
 * control triples only while NEW is incomplete, so it never sees them; spindelta checks OLD before
 * writing and NEW before renaming.
 */
public record Bsdiff40Trailer(long oldSize, byte[] oldSha256, byte[] newSha256) {

    public byte[] encode() {
        byte[] b = new byte[FormatConstants.TRAILER_SIZE];
        System.arraycopy(FormatConstants.TRAILER_MAGIC, 0, b, 0, 8);
        LittleEndian.putLong(b, 8, oldSize);
        System.arraycopy(oldSha256, 0, b, 16, Sha256.LENGTH);
        System.arraycopy(newSha256, 0, b, 48, Sha256.LENGTH);
        return b;
    }

    /**
     * @param b the bytes after the last control triple, {@code len} of them
     * @return the trailer, or null when there are no such bytes (a patch from another bsdiff)
     * @throws CorruptInputException when bytes follow the last triple but are not a trailer
     */
    public static Bsdiff40Trailer parse(byte[] b, int len) throws CorruptInputException {
        if (len == 0) {
            return null;
        }
        if (len != FormatConstants.TRAILER_SIZE || !Arrays.equals(b, 0, 8, FormatConstants.TRAILER_MAGIC, 0, 8)) {
            throw new CorruptInputException("control block has " + len + " unexpected bytes after its last entry");
        }
        long oldSize = LittleEndian.getLong(b, 8);
        if (oldSize < 0) {
            throw new CorruptInputException("trailer old size " + oldSize + " is negative");
        }
        return new Bsdiff40Trailer(oldSize, Arrays.copyOfRange(b, 16, 48), Arrays.copyOfRange(b, 48, 80));
    }
}
