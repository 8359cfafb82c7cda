package org.spindelta.squashfs.read;

import static org.spindelta.squashfs.format.SquashfsConstants.LOOKUP_INDEX_ENTRY_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_HEADER_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_MAX;

import java.io.IOException;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;
import org.spindelta.squashfs.codec.BlockDecompressor;

/**
 * The index of a lookup table (fragment, export, id, xattr id; format.adoc "Lookup tables"):
 * {@code count} fixed-size entries packed into full 8 KiB metadata blocks, whose positions are an
 * uncompressed array of u64 at the table's start. The index size follows from the count with 64-bit
 * arithmetic and must fit before the next table (the CVE-2015-4645 check), and every position must
 * leave room for a block between the lowest position the table may use and the index itself
 * (reference doc §6 items 2 and 4). Entries are decoded one block at a time, so a claimed count never
 * sizes an allocation beyond the index bytes actually on disk.
 */
final class LookupIndex {
    private final String table;
    private final String countField;
    private final long count;
    private final int entrySize;
    private final long start;
    private final long[] positions;

    private LookupIndex(String table, String countField, long count, int entrySize, long start, long[] positions) {
        this.table = table;
        this.countField = countField;
        this.count = count;
        this.entrySize = entrySize;
        this.start = start;
        this.positions = positions;
    }

    /**
     * Reads and checks the index.
     *
     * @param table e.g. "fragment table", for messages
     * @param count entries, below 2^32; {@code countField} names where it was read (e.g. "fragment_count
     *     4 at byte 16")
     * @param start where the index lies; {@code startName} names it (e.g. "fragment_table_start")
     * @param end where the next structure starts; {@code endName} names it
     * @param lowest the lowest position a block of this table may have; {@code lowestName} names it
     */
    static LookupIndex read(SquashfsImage image, String table, String countField, long count, int entrySize,
            String startName, long start, String endName, long end, String lowestName, long lowest)
            throws IOException {
        // count < 2^32 and entrySize <= 16: entry bytes < 2^36, blocks < 2^23, index bytes < 2^26
        long blocks = (count * entrySize + METADATA_MAX - 1) / METADATA_MAX;
        long indexBytes = blocks * LOOKUP_INDEX_ENTRY_SIZE;
        if (indexBytes > end - start) {
            throw new CorruptInputException(countField + " needs " + blocks + " metadata blocks indexed by "
                    + indexBytes + " bytes at " + startName + " " + start + ", but only " + Math.max(0, end - start)
                    + " bytes lie before " + endName + " " + end);
        }
        byte[] raw = new byte[(int) indexBytes];
        image.source().read(start, raw, 0, raw.length, table + " index");
        long[] positions = new long[(int) blocks];
        // each block's header and at least one stored byte lie between the lowest position and the index
        long highest = start - METADATA_HEADER_SIZE - 1;
        for (int i = 0; i < blocks; i++) {
            positions[i] = LittleEndian.getLong(raw, i * LOOKUP_INDEX_ENTRY_SIZE);
            // mksquashfs writes a table's blocks one after another, so the positions increase
            if (i > 0 && positions[i] <= positions[i - 1] && positions[i] >= lowest && positions[i] <= highest) {
                throw new CorruptInputException(table + " index entry " + i + " at byte "
                        + (start + (long) i * LOOKUP_INDEX_ENTRY_SIZE) + " points at byte " + positions[i]
                        + ", not after entry " + (i - 1) + "'s " + positions[i - 1]
                        + " (a table's blocks follow one another)");
            }
            if (positions[i] < lowest || positions[i] > highest) {
                throw new CorruptInputException(table + " index entry " + i + " at byte "
                        + (start + (long) i * LOOKUP_INDEX_ENTRY_SIZE) + " points at byte "
                        + Long.toUnsignedString(positions[i]) + ", outside [" + lowest + ", " + highest + "] (between "
                        + lowestName + " and " + startName + ")");
            }
        }
        return new LookupIndex(table, countField, count, entrySize, start, positions);
    }

    long count() {
        return count;
    }

    int entrySize() {
        return entrySize;
    }

    /** Where the index lies. */
    long start() {
        return start;
    }

    /** Bytes of the index on disk. */
    long size() {
        return (long) positions.length * LOOKUP_INDEX_ENTRY_SIZE;
    }

    int blocks() {
        return positions.length;
    }

    /** Image offsets of the metadata blocks, a copy. */
    long[] positions() {
        return positions.clone();
    }

    /** Entries one metadata block holds. */
    int entriesPerBlock() {
        return METADATA_MAX / entrySize;
    }

    /**
     * Reads and decodes block {@code i}.
     *
     * @throws CorruptInputException if the block is corrupt or decodes to other than its expected length
     *     (every block but the last is full; unsquashfs checks the same)
     */
    MetadataBlock block(SquashfsImage image, int i, BlockDecompressor decompressor) throws IOException {
        MetadataBlock m = image.metadataBlock(positions[i], start, decompressor);
        long expected = Math.min(METADATA_MAX, count * entrySize - (long) i * METADATA_MAX);
        if (m.length() != expected) {
            throw new CorruptInputException(table + " block " + i + " at byte " + positions[i] + " decodes to "
                    + m.length() + " bytes; " + countField + " requires " + expected);
        }
        return m;
    }
}
