package org.spindelta.squashfs.format;

import static org.spindelta.squashfs.format.SquashfsConstants.*;

import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FormatException;
import org.spindelta.core.LittleEndian;
import org.spindelta.core.UnsupportedFormatException;

/**
 * The 96-byte SquashFS 4.0 superblock at byte 0 of an image (format.adoc "The Superblock";
 * squashfs-tools {@code struct squashfs_super_block}). Immutable; {@link #parse} validates the whole
 * record (reference doc §6, checklist items 1 and 2) before any table is read.
 *
 * <p>Tables appear in this order, each starting at or after the previous one, all before
 * {@code bytesUsed}: inode table &lt; directory table ≤ fragment table ≤ export table ≤ id table
 * &lt; xattr id table. The fragment, export and xattr id tables are optional ({@link
 * SquashfsConstants#NO_TABLE}). The lookup-table fields (fragment, export, id, xattr id) point at the
 * u64 index array that follows the table's metadata blocks.
 *
 * @param inodeCount u32 at byte 4; at least 1 (the root directory)
 * @param modificationTime u32 at byte 8, seconds since 1970 UTC
 * @param blockSize u32 at byte 12; a power of two in [4 KiB, 1 MiB]
 * @param fragmentCount u32 at byte 16; at most {@code inodeCount} (every fragment holds some file's tail)
 * @param compressor u16 at byte 20
 * @param blockLog u16 at byte 22; log2 of {@code blockSize}
 * @param flags u16 at byte 24; see the {@code FLAG_*} constants
 * @param idCount u16 at byte 26; 1 to 2 × {@code inodeCount}, as unsquashfs checks
 * @param versionMajor u16 at byte 28; 4
 * @param versionMinor u16 at byte 30; 0
 * @param rootInodeRef u64 at byte 32; metadata reference (block offset from the inode table &lt;&lt; 16
 *     | offset inside the block) of the root directory inode
 * @param bytesUsed u64 at byte 40; end of the image data, at most the image length (the 4 KiB padding
 *     after it is not counted)
 * @param idTable u64 at byte 48; the id lookup index; always present
 * @param xattrIdTable u64 at byte 56; the xattr id table header, or NO_TABLE
 * @param inodeTable u64 at byte 64; first inode metadata block
 * @param directoryTable u64 at byte 72; first directory metadata block; the inode table ends here
 * @param fragmentTable u64 at byte 80; the fragment lookup index, or NO_TABLE
 * @param exportTable u64 at byte 88; the export (inode number) lookup index, or NO_TABLE
 */
public record SuperBlock(
        long inodeCount,
        long modificationTime,
        int blockSize,
        long fragmentCount,
        Compressor compressor,
        int blockLog,
        int flags,
        int idCount,
        int versionMajor,
        int versionMinor,
        long rootInodeRef,
        long bytesUsed,
        long idTable,
        long xattrIdTable,
        long inodeTable,
        long directoryTable,
        long fragmentTable,
        long exportTable) {

    /** The order tables must appear in, quoted in every table-offset message. */
    private static final String TABLE_ORDER =
            "tables must follow the order inode < directory <= fragment <= export <= id < xattr id < bytes_used";

    /**
     * Parses and validates the first {@link SquashfsConstants#SUPERBLOCK_SIZE} bytes of an image.
     *
     * @param b at least 96 bytes: the start of the image
     * @param imageLength bytes the image (or the region holding it) has; {@code bytes_used} must fit
     * @throws FormatException if the magic is not "hsqs"
     * @throws UnsupportedFormatException for a big-endian image, a version other than 4.0 or an
     *     unknown compressor id
     * @throws CorruptInputException if a field is out of range or inconsistent with another; the
     *     message names the field, its value, the allowed range and its byte offset
     */
    public static SuperBlock parse(byte[] b, long imageLength)
            throws FormatException, UnsupportedFormatException, CorruptInputException {
        if (b.length < SUPERBLOCK_SIZE) {
            throw new IllegalArgumentException("a superblock is " + SUPERBLOCK_SIZE + " bytes, got " + b.length);
        }
        int magic = LittleEndian.getInt(b, SB_MAGIC);
        if (magic == MAGIC_BIG_ENDIAN) {
            throw new UnsupportedFormatException("big-endian SquashFS (magic \"sqsh\" at byte 0) is not supported; "
                    + "this build reads little-endian SquashFS " + VERSION_MAJOR + "." + VERSION_MINOR);
        }
        if (magic != MAGIC) {
            throw new FormatException(String.format(
                    "not a SquashFS image: magic 0x%08x at byte 0, expected 0x%08x (\"hsqs\")", magic, MAGIC));
        }
        int major = u16(b, SB_VERSION_MAJOR);
        int minor = u16(b, SB_VERSION_MINOR);
        if (major != VERSION_MAJOR || minor != VERSION_MINOR) {
            throw new UnsupportedFormatException("SquashFS version " + major + "." + minor + " (version_major at byte "
                    + SB_VERSION_MAJOR + ", version_minor at byte " + SB_VERSION_MINOR + ") is not supported; "
                    + "this build reads " + VERSION_MAJOR + "." + VERSION_MINOR);
        }
        Compressor compressor = Compressor.fromId(u16(b, SB_COMPRESSOR), SB_COMPRESSOR);

        long blockSize = u32(b, SB_BLOCK_SIZE);
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || Long.bitCount(blockSize) != 1) {
            throw new CorruptInputException("block_size " + blockSize + " at byte " + SB_BLOCK_SIZE
                    + " is not a power of two in [" + MIN_BLOCK_SIZE + ", " + MAX_BLOCK_SIZE + "]");
        }
        int blockLog = u16(b, SB_BLOCK_LOG);
        int expectedLog = Long.numberOfTrailingZeros(blockSize);
        if (blockLog != expectedLog) {
            throw new CorruptInputException("block_log " + blockLog + " at byte " + SB_BLOCK_LOG
                    + " does not match block_size " + blockSize + " (expected " + expectedLog + ")");
        }

        long inodeCount = u32(b, SB_INODE_COUNT);
        if (inodeCount < 1) {
            throw new CorruptInputException("inode_count 0 at byte " + SB_INODE_COUNT
                    + " outside [1, 4294967295]: every image has a root directory");
        }
        long fragmentCount = u32(b, SB_FRAGMENT_COUNT);
        if (fragmentCount > inodeCount) {
            throw new CorruptInputException("fragment_count " + fragmentCount + " at byte " + SB_FRAGMENT_COUNT
                    + " outside [0, inode_count " + inodeCount + "]: every fragment holds the tail of some file");
        }
        int idCount = u16(b, SB_ID_COUNT);
        if (idCount < 1 || idCount > 2 * inodeCount) {
            throw new CorruptInputException("id_count " + idCount + " at byte " + SB_ID_COUNT + " outside [1, "
                    + Math.min(0xFFFF, 2 * inodeCount) + "] (at least one id, at most a uid and a gid per inode)");
        }

        long bytesUsed = LittleEndian.getLong(b, SB_BYTES_USED);
        // The smallest image: superblock, one inode block and one id block with its index entry.
        long minBytesUsed = SUPERBLOCK_SIZE + 2L * (METADATA_HEADER_SIZE + 1) + LOOKUP_INDEX_ENTRY_SIZE;
        if (Long.compareUnsigned(bytesUsed, imageLength) > 0) {
            throw new CorruptInputException("bytes_used " + Long.toUnsignedString(bytesUsed) + " at byte "
                    + SB_BYTES_USED + " exceeds the image length " + imageLength + " (truncated image?)");
        }
        if (bytesUsed < minBytesUsed) {
            throw new CorruptInputException("bytes_used " + bytesUsed + " at byte " + SB_BYTES_USED + " outside ["
                    + minBytesUsed + ", " + imageLength + "]");
        }

        long inodeTable = LittleEndian.getLong(b, SB_INODE_TABLE);
        long directoryTable = LittleEndian.getLong(b, SB_DIRECTORY_TABLE);
        long fragmentTable = LittleEndian.getLong(b, SB_FRAGMENT_TABLE);
        long exportTable = LittleEndian.getLong(b, SB_EXPORT_TABLE);
        long idTable = LittleEndian.getLong(b, SB_ID_TABLE);
        long xattrIdTable = LittleEndian.getLong(b, SB_XATTR_ID_TABLE);

        requireRange("inode_table_start", SB_INODE_TABLE, inodeTable, SUPERBLOCK_SIZE, bytesUsed - 1);
        requireRange("directory_table_start", SB_DIRECTORY_TABLE, directoryTable, inodeTable + 1, bytesUsed - 1);
        long previous = directoryTable;
        if (fragmentTable != NO_TABLE) {
            requireRange("fragment_table_start", SB_FRAGMENT_TABLE, fragmentTable, previous, bytesUsed - 1);
            previous = fragmentTable;
        } else if (fragmentCount != 0) {
            throw new CorruptInputException("fragment_table_start at byte " + SB_FRAGMENT_TABLE
                    + " is absent (0xffffffffffffffff) but fragment_count at byte " + SB_FRAGMENT_COUNT + " is "
                    + fragmentCount);
        }
        if (exportTable != NO_TABLE) {
            requireRange("export_table_start", SB_EXPORT_TABLE, exportTable, previous, bytesUsed - 1);
            previous = exportTable;
        }
        // the id index holds at least one u64
        requireRange("id_table_start", SB_ID_TABLE, idTable, previous, bytesUsed - LOOKUP_INDEX_ENTRY_SIZE);
        if (xattrIdTable != NO_TABLE) {
            requireRange("xattr_id_table_start", SB_XATTR_ID_TABLE, xattrIdTable, idTable + LOOKUP_INDEX_ENTRY_SIZE,
                    bytesUsed - XATTR_ID_TABLE_HEADER_SIZE);
        }

        long rootInodeRef = LittleEndian.getLong(b, SB_ROOT_INODE);
        long rootBlock = rootInodeRef >>> 16;
        int rootOffset = (int) (rootInodeRef & 0xFFFF);
        if (rootBlock >= directoryTable - inodeTable || rootOffset >= METADATA_MAX) {
            throw new CorruptInputException(String.format("root_inode 0x%x at byte %d points at block %s offset %d; "
                    + "allowed block [0, %d) inside the inode table and offset [0, %d)", rootInodeRef, SB_ROOT_INODE,
                    Long.toUnsignedString(rootBlock), rootOffset, directoryTable - inodeTable, METADATA_MAX));
        }

        return new SuperBlock(inodeCount, u32(b, SB_MOD_TIME), (int) blockSize, fragmentCount, compressor, blockLog,
                u16(b, SB_FLAGS), idCount, major, minor, rootInodeRef, bytesUsed, idTable, xattrIdTable, inodeTable,
                directoryTable, fragmentTable, exportTable);
    }

    private static void requireRange(String field, int offset, long value, long min, long max)
            throws CorruptInputException {
        if (value < min || value > max) {
            String v = value == NO_TABLE ? "absent (0xffffffffffffffff)" : Long.toUnsignedString(value);
            throw new CorruptInputException(field + " " + v + " at byte " + offset + " outside [" + min + ", " + max
                    + "]; " + TABLE_ORDER);
        }
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int off) {
        return LittleEndian.getInt(b, off) & 0xFFFF_FFFFL;
    }

    /** Encodes this superblock back into its 96 on-disk bytes (tests build hostile images from it). */
    public byte[] encode() {
        byte[] b = new byte[SUPERBLOCK_SIZE];
        LittleEndian.putInt(b, SB_MAGIC, MAGIC);
        LittleEndian.putInt(b, SB_INODE_COUNT, (int) inodeCount);
        LittleEndian.putInt(b, SB_MOD_TIME, (int) modificationTime);
        LittleEndian.putInt(b, SB_BLOCK_SIZE, blockSize);
        LittleEndian.putInt(b, SB_FRAGMENT_COUNT, (int) fragmentCount);
        putU16(b, SB_COMPRESSOR, compressor.id());
        putU16(b, SB_BLOCK_LOG, blockLog);
        putU16(b, SB_FLAGS, flags);
        putU16(b, SB_ID_COUNT, idCount);
        putU16(b, SB_VERSION_MAJOR, versionMajor);
        putU16(b, SB_VERSION_MINOR, versionMinor);
        LittleEndian.putLong(b, SB_ROOT_INODE, rootInodeRef);
        LittleEndian.putLong(b, SB_BYTES_USED, bytesUsed);
        LittleEndian.putLong(b, SB_ID_TABLE, idTable);
        LittleEndian.putLong(b, SB_XATTR_ID_TABLE, xattrIdTable);
        LittleEndian.putLong(b, SB_INODE_TABLE, inodeTable);
        LittleEndian.putLong(b, SB_DIRECTORY_TABLE, directoryTable);
        LittleEndian.putLong(b, SB_FRAGMENT_TABLE, fragmentTable);
        LittleEndian.putLong(b, SB_EXPORT_TABLE, exportTable);
        return b;
    }

    private static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    // --- flags (squashfs_fs.h SQUASHFS_*_CHECK); only compressorOptionsPresent changes how an image is read ---

    public boolean inodesUncompressed() {
        return (flags & FLAG_UNCOMPRESSED_INODES) != 0;
    }

    public boolean dataUncompressed() {
        return (flags & FLAG_UNCOMPRESSED_DATA) != 0;
    }

    public boolean fragmentsUncompressed() {
        return (flags & FLAG_UNCOMPRESSED_FRAGMENTS) != 0;
    }

    public boolean noFragments() {
        return (flags & FLAG_NO_FRAGMENTS) != 0;
    }

    public boolean alwaysFragments() {
        return (flags & FLAG_ALWAYS_FRAGMENTS) != 0;
    }

    public boolean duplicatesRemoved() {
        return (flags & FLAG_DUPLICATES) != 0;
    }

    public boolean exportable() {
        return (flags & FLAG_EXPORTABLE) != 0;
    }

    public boolean xattrsUncompressed() {
        return (flags & FLAG_UNCOMPRESSED_XATTRS) != 0;
    }

    public boolean noXattrs() {
        return (flags & FLAG_NO_XATTRS) != 0;
    }

    /** A compressor options metadata block follows the superblock at byte 96. */
    public boolean compressorOptionsPresent() {
        return (flags & FLAG_COMPRESSOR_OPTIONS) != 0;
    }

    public boolean idsUncompressed() {
        return (flags & FLAG_UNCOMPRESSED_IDS) != 0;
    }

    public boolean hasFragmentTable() {
        return fragmentTable != NO_TABLE;
    }

    public boolean hasExportTable() {
        return exportTable != NO_TABLE;
    }

    public boolean hasXattrIdTable() {
        return xattrIdTable != NO_TABLE;
    }
}
