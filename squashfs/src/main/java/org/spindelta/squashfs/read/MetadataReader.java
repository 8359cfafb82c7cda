package org.spindelta.squashfs.read;

import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_MAX;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.codec.BlockDecompressor;

/**
 * A cursor over one metadata table (inode or directory table): a run of metadata blocks from
 * {@code tableStart} to {@code tableEnd}. A position is a metadata reference, (block offset from the
 * table start) &lt;&lt; 16 | offset inside the decoded block (format.adoc "Metadata Blocks"); reads
 * continue into the following block, so entries may span blocks. Every read stays inside the table.
 *
 * <p>Keeps the last few decoded blocks (at most {@value #CACHE_BLOCKS} × 8 KiB), because a directory walk
 * reads the same inode blocks again and again. Not thread-safe.
 */
public final class MetadataReader {
    /** Decoded blocks kept: enough for a directory walk to hit the cache for most inodes. */
    private static final int CACHE_BLOCKS = 32;

    private final SquashfsImage image;
    private final long tableStart;
    private final long tableEnd;
    private final String tableName;
    private final BlockDecompressor decompressor;
    private final Map<Long, MetadataBlock> cache = new LinkedHashMap<>(CACHE_BLOCKS * 2, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, MetadataBlock> eldest) {
            return size() > CACHE_BLOCKS;
        }
    };
    private MetadataBlock block;
    private int offset;

    /**
     * @param tableStart image offset of the table's first block
     * @param tableEnd end of the table (exclusive): the next table's start; clamped to bytes_used
     * @param tableName e.g. "inode table", for messages
     * @param decompressor the image's decompressor, owned by the caller
     */
    public MetadataReader(SquashfsImage image, long tableStart, long tableEnd, String tableName,
            BlockDecompressor decompressor) {
        this.image = image;
        this.tableStart = tableStart;
        this.tableEnd = Math.min(tableEnd, image.superBlock().bytesUsed());
        this.tableName = tableName;
        this.decompressor = decompressor;
    }

    public long tableStart() {
        return tableStart;
    }

    public long tableEnd() {
        return tableEnd;
    }

    /** Table bytes on disk. */
    public long tableSize() {
        return tableEnd - tableStart;
    }

    /**
     * The most bytes the table can decode to: every block takes at least 3 bytes on disk (a 2-byte header
     * and 1 stored byte) and decodes to at most 8192. Bounds any length read from the table.
     */
    public long maxDecodedSize() {
        return (tableSize() / 3 + 1) * METADATA_MAX;
    }

    /**
     * Moves the cursor to {@code ref}.
     *
     * @throws CorruptInputException if the block offset lies outside the table, the block there is corrupt,
     *     or the in-block offset is not below the block's decoded length
     */
    public void seek(long ref) throws IOException {
        seek(ref >>> 16, (int) (ref & 0xFFFF));
    }

    /** Moves the cursor to {@code offset} in the block {@code blockOffset} bytes after the table start. */
    public void seek(long blockOffset, int offset) throws IOException {
        if (blockOffset < 0 || blockOffset >= tableEnd - tableStart) {
            throw new CorruptInputException(tableName + " reference: block offset " + blockOffset
                    + " outside [0, " + (tableEnd - tableStart) + ") (the table spans bytes " + tableStart + " to "
                    + tableEnd + ")");
        }
        MetadataBlock b = load(tableStart + blockOffset);
        if (offset < 0 || offset >= b.length()) {
            throw new CorruptInputException(tableName + " reference: offset " + offset + " in the block at byte "
                    + b.position() + " outside [0, " + b.length() + ") (its decoded length)");
        }
        block = b;
        this.offset = offset;
    }

    /**
     * Returns to a position {@link #reference()} gave, which, unlike {@link #seek(long)}, may be the end of
     * its block (the next read continues in the following block).
     */
    public void restore(long ref) throws IOException {
        MetadataBlock b = load(tableStart + (ref >>> 16));
        int off = (int) (ref & 0xFFFF);
        if (off > b.length()) {
            throw new IllegalArgumentException("not a position of this reader: 0x" + Long.toHexString(ref));
        }
        block = b;
        offset = off;
    }

    /** The current position as a metadata reference. */
    public long reference() {
        return (block.position() - tableStart) << 16 | offset;
    }

    /**
     * Image offset of the block the next read starts in: the current block, or the following one when the
     * cursor sits at the current block's end.
     */
    public long nextReadBlock() {
        return offset == block.length() ? block.next() : block.position();
    }

    /** Image offset of the current block, for messages. */
    public long blockPosition() {
        return block.position();
    }

    /** Offset in the current decoded block. */
    public int offset() {
        return offset;
    }

    /** "byte P of the inode table block at byte B", for messages about the field about to be read. */
    public String where() {
        return "offset " + offset + " of the " + tableName + " block at byte " + block.position();
    }

    private MetadataBlock load(long position) throws IOException {
        MetadataBlock b = cache.get(position);
        if (b == null) {
            b = image.metadataBlock(position, tableEnd, decompressor);
            cache.put(position, b);
        }
        return b;
    }

    /**
     * Reads {@code len} bytes, continuing into following blocks.
     *
     * @throws CorruptInputException if the table ends first
     */
    public void readFully(byte[] dst, int off, int len) throws IOException {
        if (block == null) {
            throw new IllegalStateException("seek first");
        }
        while (len > 0) {
            if (offset == block.length()) {
                long next = block.next();
                if (next >= tableEnd) {
                    throw new CorruptInputException(tableName + " ends at byte " + tableEnd + " with " + len
                            + " bytes still to read after the block at byte " + block.position());
                }
                block = load(next);
                offset = 0;
            }
            int n = Math.min(len, block.length() - offset);
            System.arraycopy(block.data(), offset, dst, off, n);
            offset += n;
            off += n;
            len -= n;
        }
    }

    /**
     * Reads {@code n} bytes into a new array; {@code n} must already be bounded by the caller (at most
     * a few KiB, or checked against the table size).
     */
    public byte[] readBytes(int n) throws IOException {
        if (n < 0 || n > maxDecodedSize()) {
            throw new CorruptInputException(tableName + ": " + n + " bytes requested at " + where()
                    + ", outside [0, " + maxDecodedSize() + "] (what the table's " + tableSize()
                    + " bytes can decode to)");
        }
        byte[] b = new byte[n];
        readFully(b, 0, n);
        return b;
    }

    private final byte[] scratch = new byte[8];

    public int readU16() throws IOException {
        readFully(scratch, 0, 2);
        return (scratch[0] & 0xFF) | (scratch[1] & 0xFF) << 8;
    }

    public long readU32() throws IOException {
        readFully(scratch, 0, 4);
        return (scratch[0] & 0xFFL) | (scratch[1] & 0xFFL) << 8 | (scratch[2] & 0xFFL) << 16 | (scratch[3] & 0xFFL) << 24;
    }

    public long readU64() throws IOException {
        long lo = readU32();
        long hi = readU32();
        return hi << 32 | lo;
    }

    /** Skips {@code n} bytes, which must lie inside the table. */
    public void skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, METADATA_MAX)];
        while (n > 0) {
            int k = (int) Math.min(n, buf.length);
            readFully(buf, 0, k);
            n -= k;
        }
    }
}
