package org.spindelta.squashfs.format;

import static org.spindelta.squashfs.format.SquashfsConstants.BLOCK_SIZE_MASK;
import static org.spindelta.squashfs.format.SquashfsConstants.BLOCK_UNCOMPRESSED_BIT;

import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;

/**
 * One fragment table entry ({@code struct squashfs_fragment_entry}, 16 bytes): u64 start, u32 size,
 * u32 unused. A fragment block packs the tails of several files; it is stored like a data block.
 *
 * @param start image offset of the fragment block; inside the data area (after the superblock and
 *     compressor options, before the inode table)
 * @param storedSize bytes the block takes on disk (size field bits 0..23), 1..block_size
 * @param compressed false when bit 24 of the size field is set (stored as is)
 */
public record FragmentEntry(long start, int storedSize, boolean compressed) {

    /**
     * Decodes and validates entry {@code index} from {@code b} at {@code off}.
     *
     * @param dataStart first byte after the superblock and compressor options
     * @param dataEnd the inode table start: fragment blocks end at or before it
     * @param blockSize the image's block size; no fragment block is larger on disk
     * @throws CorruptInputException naming the entry, the field, its value and the allowed range
     */
    public static FragmentEntry parse(byte[] b, int off, long index, long dataStart, long dataEnd, int blockSize)
            throws CorruptInputException {
        long start = LittleEndian.getLong(b, off);
        int size = LittleEndian.getInt(b, off + 8);
        if ((size & ~(BLOCK_SIZE_MASK | BLOCK_UNCOMPRESSED_BIT)) != 0) {
            throw new CorruptInputException(String.format("fragment %d: size field 0x%08x sets bits above bit 24 "
                    + "(only bits 0-23 size and bit 24 uncompressed are defined)", index, size));
        }
        int stored = size & BLOCK_SIZE_MASK;
        if (stored < 1 || stored > blockSize) {
            throw new CorruptInputException("fragment " + index + ": stored size " + stored + " outside [1, "
                    + blockSize + "] (block_size)");
        }
        // start + stored cannot overflow once start is checked against dataEnd, which is < 2^63
        if (start < dataStart || start > dataEnd || start + stored > dataEnd) {
            throw new CorruptInputException("fragment " + index + ": block at byte " + Long.toUnsignedString(start)
                    + " of " + stored + " bytes lies outside the data area [" + dataStart + ", " + dataEnd + ")");
        }
        return new FragmentEntry(start, stored, (size & BLOCK_UNCOMPRESSED_BIT) == 0);
    }

    /** Image offset just after the block. */
    public long end() {
        return start + storedSize;
    }
}
