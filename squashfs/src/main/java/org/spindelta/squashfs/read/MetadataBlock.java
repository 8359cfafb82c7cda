package org.spindelta.squashfs.read;

import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_HEADER_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_MAX;
import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_SIZE_MASK;
import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_UNCOMPRESSED_BIT;

import java.io.IOException;
import java.util.Arrays;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.codec.BlockDecompressor;

/**
 * One metadata block (format.adoc "Metadata Blocks"): a u16 header whose low 15 bits give the bytes
 * stored after it and whose bit 15 says they are stored uncompressed, then at most 8192 bytes that
 * decode to 1..8192 bytes. Inode, directory, fragment, export, id and xattr tables are runs of them.
 *
 * @param position image offset of the header
 * @param storedSize bytes after the header, 1..8192
 * @param compressed false when bit 15 of the header is set
 * @param data the decoded contents, 1..8192 bytes
 */
public record MetadataBlock(long position, int storedSize, boolean compressed, byte[] data) {

    /** Image offset of the next block: just after this one's stored bytes. */
    public long next() {
        return position + METADATA_HEADER_SIZE + storedSize;
    }

    /** Decoded length, 1..8192. */
    public int length() {
        return data.length;
    }

    /**
     * Reads and decodes the metadata block at {@code position}.
     *
     * @param end the block must end at or before this image offset (the end of its table, or bytes_used;
     *     never past the image)
     * @param decompressor the image's decompressor; used only when the block is compressed
     * @throws CorruptInputException if the header claims 0 or more than 8192 stored bytes, the block runs
     *     past {@code end}, its data is corrupt, or it decodes to 0 or more than 8192 bytes; the message
     *     gives the block's offset
     */
    public static MetadataBlock read(ImageSource image, long position, long end, BlockDecompressor decompressor)
            throws IOException {
        long limit = Math.min(end, image.length());
        if (position < 0 || position > limit - METADATA_HEADER_SIZE) {
            throw new CorruptInputException("metadata block at byte " + Long.toUnsignedString(position)
                    + ": its 2-byte header does not fit before byte " + limit + ", the end of its table");
        }
        byte[] h = new byte[METADATA_HEADER_SIZE];
        image.read(position, h, 0, METADATA_HEADER_SIZE, "metadata block header");
        int header = (h[0] & 0xFF) | (h[1] & 0xFF) << 8;
        int stored = header & METADATA_SIZE_MASK;
        boolean compressed = (header & METADATA_UNCOMPRESSED_BIT) == 0;
        if (stored < 1 || stored > METADATA_MAX) {
            throw new CorruptInputException(String.format("metadata block at byte %d: header 0x%04x claims %d stored "
                    + "bytes, outside [1, %d]", position, header, stored, METADATA_MAX));
        }
        long dataPos = position + METADATA_HEADER_SIZE;
        if (stored > limit - dataPos) {
            throw new CorruptInputException("metadata block at byte " + position + ": " + stored
                    + " stored bytes run to byte " + (dataPos + stored) + ", past the end of its table at byte " + limit);
        }
        byte[] raw = new byte[stored];
        image.read(dataPos, raw, 0, stored, "metadata block");
        if (!compressed) {
            return new MetadataBlock(position, stored, false, raw);
        }
        byte[] out = new byte[METADATA_MAX];
        int n;
        try {
            n = decompressor.decompress(raw, 0, stored, out, 0, METADATA_MAX);
        } catch (CorruptInputException e) {
            throw new CorruptInputException("metadata block at byte " + position + ": " + e.getMessage(), e);
        }
        if (n < 1) {
            throw new CorruptInputException("metadata block at byte " + position + " decodes to 0 bytes, outside [1, "
                    + METADATA_MAX + "]");
        }
        return new MetadataBlock(position, stored, true, n == METADATA_MAX ? out : Arrays.copyOf(out, n));
    }
}
