package org.spindelta.squashfs.read;

import static org.spindelta.squashfs.format.SquashfsConstants.ID_ENTRY_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.IDS_PER_METADATA_BLOCK;
import static org.spindelta.squashfs.format.SquashfsConstants.SB_ID_COUNT;

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
    private final LookupIndex index;

    private IdTable(long[] ids, LookupIndex index) {
        this.ids = ids;
        this.index = index;
    }

    /** Where the table lies: its metadata blocks and its u64 index. */
    public TableLayout layout() {
        return TableLayout.of(index);
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
        LookupIndex index = LookupIndex.read(image, "id table", "id_count " + count + " at byte " + SB_ID_COUNT, count,
                ID_ENTRY_SIZE, "id_table_start", s.idTable(), s.hasXattrIdTable() ? "xattr_id_table_start" : "bytes_used",
                s.hasXattrIdTable() ? s.xattrIdTable() : s.bytesUsed(), "directory_table_start", s.directoryTable());
        long[] ids = new long[count];
        try (BlockDecompressor d = image.newDecompressor()) {
            for (int i = 0; i < index.blocks(); i++) {
                MetadataBlock m = index.block(image, i, d);
                int first = i * IDS_PER_METADATA_BLOCK;
                for (int j = 0; j < m.length() / ID_ENTRY_SIZE; j++) {
                    ids[first + j] = LittleEndian.getInt(m.data(), j * ID_ENTRY_SIZE) & 0xFFFF_FFFFL;
                }
            }
        }
        return new IdTable(ids, index);
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
