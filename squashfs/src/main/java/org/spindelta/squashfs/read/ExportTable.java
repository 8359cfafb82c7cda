package org.spindelta.squashfs.read;

import static org.spindelta.squashfs.format.SquashfsConstants.EXPORT_ENTRY_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.SB_INODE_COUNT;

import java.io.IOException;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.format.SuperBlock;

/**
 * The export table (format.adoc "Export Table"), written by mksquashfs unless {@code -no-exports}: the
 * u64 inode reference of every inode number 1..inode_count, 1024 to a metadata block, for NFS file
 * handles. Read here to cross-check the tree (an entry's inode number must name the same inode) and to
 * account for its bytes.
 *
 * <p>Not thread-safe: it caches the last decoded block and owns a decompressor.
 */
public final class ExportTable implements AutoCloseable {
    private final SquashfsImage image;
    private final LookupIndex index;
    private final BlockDecompressor decompressor;
    private int cachedBlock = -1;
    private byte[] cachedEntries;

    private ExportTable(SquashfsImage image, LookupIndex index) {
        this.image = image;
        this.index = index;
        this.decompressor = image.newDecompressor();
    }

    /**
     * Reads and checks the index; an image without an export table gets an empty one.
     *
     * @throws CorruptInputException if the index for inode_count entries does not fit before the id table
     */
    public static ExportTable read(SquashfsImage image) throws IOException {
        SuperBlock s = image.superBlock();
        long count = s.hasExportTable() ? s.inodeCount() : 0;
        long start = s.hasExportTable() ? s.exportTable() : 0;
        return new ExportTable(image, LookupIndex.read(image, "export table", "inode_count " + count + " at byte "
                + SB_INODE_COUNT, count, EXPORT_ENTRY_SIZE, "export_table_start", start, "id_table_start",
                s.hasExportTable() ? s.idTable() : 0, "directory_table_start", s.directoryTable()));
    }

    /** Whether the image has an export table. */
    public boolean present() {
        return image.superBlock().hasExportTable();
    }

    /** Entries: inode_count, or 0 without a table. */
    public long count() {
        return index.count();
    }

    /** Where the table lies: its metadata blocks and its u64 index. */
    public TableLayout layout() {
        return TableLayout.of(index);
    }

    /**
     * The inode reference of inode number {@code number}.
     *
     * @throws CorruptInputException if {@code number} is outside [1, count], or the reference points outside
     *     the inode table
     */
    public long inodeRef(long number) throws IOException {
        if (number < 1 || number > index.count()) {
            throw new CorruptInputException("inode number " + number + " outside [1, " + index.count()
                    + "] (export table entries)");
        }
        long i = number - 1;
        int block = (int) (i / index.entriesPerBlock());
        if (block != cachedBlock) {
            cachedEntries = index.block(image, block, decompressor).data();
            cachedBlock = block;
        }
        long ref = LittleEndian.getLong(cachedEntries, (int) (i % index.entriesPerBlock()) * EXPORT_ENTRY_SIZE);
        SuperBlock s = image.superBlock();
        long inodeTableSize = s.directoryTable() - s.inodeTable();
        if ((ref >>> 16) >= inodeTableSize) {
            throw new CorruptInputException("export table entry for inode " + number + ": reference 0x"
                    + Long.toHexString(ref) + " points outside the inode table (" + inodeTableSize + " bytes)");
        }
        return ref;
    }

    @Override
    public void close() {
        decompressor.close();
    }
}
