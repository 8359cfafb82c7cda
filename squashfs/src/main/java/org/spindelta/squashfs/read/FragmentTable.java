package org.spindelta.squashfs.read;

import static org.spindelta.squashfs.format.SquashfsConstants.FRAGMENTS_PER_METADATA_BLOCK;
import static org.spindelta.squashfs.format.SquashfsConstants.FRAGMENT_ENTRY_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.SB_FRAGMENT_COUNT;

import java.io.IOException;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.format.FragmentEntry;
import org.spindelta.squashfs.format.SuperBlock;

/**
 * The fragment table (format.adoc "Fragment Table"): {@code fragment_count} 16-byte entries packed
 * 512 to a metadata block, those blocks located by an uncompressed array of u64 positions at
 * {@code fragment_table_start}. The index is read and checked when the table is opened (its size
 * follows from the count with 64-bit arithmetic and must fit before the next table, the
 * CVE-2015-4645 check); entries are decoded one metadata block at a time, when asked for, so a
 * claimed count never sizes an allocation beyond the index bytes actually on disk.
 *
 * <p>Not thread-safe: it caches the last decoded metadata block and owns a decompressor. Open one
 * per thread; {@link #close()} releases the decompressor.
 */
public final class FragmentTable implements AutoCloseable {
    private final SquashfsImage image;
    private final LookupIndex index;
    private final BlockDecompressor decompressor;
    private final byte[] stored;
    private int cachedBlock = -1;
    private byte[] cachedEntries;

    private FragmentTable(SquashfsImage image, LookupIndex index) {
        this.image = image;
        this.index = index;
        this.decompressor = image.newDecompressor();
        this.stored = new byte[image.superBlock().blockSize()];
    }

    /**
     * Reads and checks the fragment index of {@code image}.
     *
     * @throws CorruptInputException if the index for {@code fragment_count} entries does not fit between
     *     {@code fragment_table_start} and the next table, or an index entry points outside the span
     *     between the directory table and the index
     */
    public static FragmentTable read(SquashfsImage image) throws IOException {
        SuperBlock s = image.superBlock();
        long count = s.fragmentCount();
        long start = count == 0 ? 0 : s.fragmentTable();
        long next = count == 0 ? 0 : s.hasExportTable() ? s.exportTable() : s.idTable();
        return new FragmentTable(image, LookupIndex.read(image, "fragment table",
                "fragment_count " + count + " at byte " + SB_FRAGMENT_COUNT, count, FRAGMENT_ENTRY_SIZE,
                "fragment_table_start", start, s.hasExportTable() ? "export_table_start" : "id_table_start", next,
                "directory_table_start", s.directoryTable()));
    }

    /** Number of fragment blocks (the superblock's fragment_count). */
    public long count() {
        return index.count();
    }

    /** Where the table lies: its metadata blocks and its u64 index. */
    public TableLayout layout() {
        return TableLayout.of(index);
    }

    /**
     * Entry {@code i}, validated against the image: stored size 1..block_size, block inside the data area.
     *
     * @throws CorruptInputException if {@code i} is outside [0, count), the metadata block holding it is
     *     corrupt or decodes to other than its expected length, or the entry is out of range
     */
    public FragmentEntry entry(long i) throws IOException {
        if (i < 0 || i >= index.count()) {
            throw new CorruptInputException("fragment index " + i + " outside [0, " + index.count() + ") (fragment_count)");
        }
        int block = (int) (i / FRAGMENTS_PER_METADATA_BLOCK);
        byte[] entries = entries(block);
        int off = (int) (i % FRAGMENTS_PER_METADATA_BLOCK) * FRAGMENT_ENTRY_SIZE;
        return FragmentEntry.parse(entries, off, i, image.dataStart(), image.dataEnd(),
                image.superBlock().blockSize());
    }

    private byte[] entries(int block) throws IOException {
        if (block == cachedBlock) {
            return cachedEntries;
        }
        MetadataBlock m = index.block(image, block, decompressor);
        cachedBlock = block;
        cachedEntries = m.data();
        return cachedEntries;
    }

    /**
     * Reads and decodes fragment block {@code i} into {@code dst}.
     *
     * @param dst room for at least block_size bytes
     * @return the block's decoded length, 1..block_size
     * @throws CorruptInputException if the entry is invalid or the block does not decode to 1..block_size bytes
     */
    public int readBlock(long i, byte[] dst) throws IOException {
        int blockSize = image.superBlock().blockSize();
        if (dst.length < blockSize) {
            throw new IllegalArgumentException("buffer of " + dst.length + " bytes is smaller than block_size "
                    + blockSize);
        }
        FragmentEntry e = entry(i);
        image.source().read(e.start(), stored, 0, e.storedSize(), "fragment block " + i);
        if (!e.compressed()) {
            System.arraycopy(stored, 0, dst, 0, e.storedSize());
            return e.storedSize();
        }
        int n;
        try {
            n = decompressor.decompress(stored, 0, e.storedSize(), dst, 0, blockSize);
        } catch (CorruptInputException ex) {
            throw new CorruptInputException("fragment block " + i + " at byte " + e.start() + ": " + ex.getMessage(), ex);
        }
        if (n < 1) {
            throw new CorruptInputException("fragment block " + i + " at byte " + e.start() + " decodes to 0 bytes, "
                    + "outside [1, " + blockSize + "]");
        }
        return n;
    }

    /** Reads and decodes fragment block {@code i} into a new array of its decoded length. */
    public byte[] readBlock(long i) throws IOException {
        byte[] dst = new byte[image.superBlock().blockSize()];
        int n = readBlock(i, dst);
        return n == dst.length ? dst : java.util.Arrays.copyOf(dst, n);
    }

    @Override
    public void close() {
        decompressor.close();
    }
}
