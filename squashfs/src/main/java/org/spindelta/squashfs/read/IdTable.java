package org.spindelta.squashfs.read;

import static org.spindelta.squashfs.format.SquashfsConstants.ID_ENTRY_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.LOOKUP_INDEX_ENTRY_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_HEADER_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_MAX;

import java.io.IOException;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.format.SuperBlock;

/**
 * The id table (format.adoc "ID Table"): id_count u32 uids/gids, 2048 to a metadata block, located by
 * an uncompressed u64 index at id_table_start. id_count is a u16, so the whole table is at most 256 KiB
 * decoded and is read at once.
 */
public final class IdTable {
    private final long[] ids;

    private IdTable(long[] ids) {
        this.ids = ids;
    }

    /**
     * Reads every id.
     *
     * @throws CorruptInputException if the index does not fit before bytes_used, an index entry points
     *     outside [directory_table_start, id_table_start), or a block decodes to other than its expected length
     */
    public static IdTable read(SquashfsImage image) throws IOException {
        SuperBlock s = image.superBlock();
        int count = s.idCount();
        long bytes = (long) count * ID_ENTRY_SIZE;
        int blocks = (int) ((bytes + METADATA_MAX - 1) / METADATA_MAX);
        long start = s.idTable();
        long end = s.hasXattrIdTable() ? s.xattrIdTable() : s.bytesUsed();
        if ((long) blocks * LOOKUP_INDEX_ENTRY_SIZE > end - start) {
            throw new CorruptInputException("id_count " + count + " needs an index of " + blocks * LOOKUP_INDEX_ENTRY_SIZE
                    + " bytes at id_table_start " + start + ", but only " + (end - start) + " bytes lie before byte " + end);
        }
        byte[] raw = new byte[blocks * LOOKUP_INDEX_ENTRY_SIZE];
        image.source().read(start, raw, 0, raw.length, "id table index");
        long[] ids = new long[count];
        long lowest = s.directoryTable();
        long highest = start - METADATA_HEADER_SIZE - 1;
        try (BlockDecompressor d = image.newDecompressor()) {
            for (int i = 0; i < blocks; i++) {
                long pos = LittleEndian.getLong(raw, i * LOOKUP_INDEX_ENTRY_SIZE);
                if (pos < lowest || pos > highest) {
                    throw new CorruptInputException("id table index entry " + i + " at byte "
                            + (start + (long) i * LOOKUP_INDEX_ENTRY_SIZE) + " points at byte " + Long.toUnsignedString(pos)
                            + ", outside [" + lowest + ", " + highest + "] (between directory_table_start and id_table_start)");
                }
                MetadataBlock m = image.metadataBlock(pos, start, d);
                long expected = Math.min(METADATA_MAX, bytes - (long) i * METADATA_MAX);
                if (m.length() != expected) {
                    throw new CorruptInputException("id table block " + i + " at byte " + pos + " decodes to " + m.length()
                            + " bytes; id_count " + count + " requires " + expected);
                }
                int first = i * (METADATA_MAX / ID_ENTRY_SIZE);
                for (int j = 0; j < expected / ID_ENTRY_SIZE; j++) {
                    ids[first + j] = LittleEndian.getInt(m.data(), j * ID_ENTRY_SIZE) & 0xFFFF_FFFFL;
                }
            }
        }
        return new IdTable(ids);
    }

    public int count() {
        return ids.length;
    }

    /**
     * The uid or gid at {@code index}.
     *
     * @throws CorruptInputException if {@code index} is not below id_count
     */
    public long id(int index) throws CorruptInputException {
        if (index < 0 || index >= ids.length) {
            throw new CorruptInputException("id index " + index + " outside [0, " + ids.length + ") (id_count)");
        }
        return ids[index];
    }
}
