package org.spindelta.squashfs.format;

/**
 * Every on-disk constant of SquashFS 4.0 this module reads, named once. Values follow
 * squashfs-tools {@code squashfs_fs.h} (plougher/squashfs-tools) and squashfs-tools-ng
 * {@code doc/format.adoc}; all integers on disk are little-endian and unaligned.
 */
public final class SquashfsConstants {
    private SquashfsConstants() {}

    // --- superblock (format.adoc "The Superblock"; squashfs_fs.h struct squashfs_super_block) ---
    /** "hsqs": the magic as a little-endian u32 at byte 0 ({@code SQUASHFS_MAGIC}). */
    public static final int MAGIC = 0x73717368;
    /** "sqsh": the same magic written big-endian, as old big-endian images and some vendors do. */
    public static final int MAGIC_BIG_ENDIAN = 0x68737173;
    public static final int VERSION_MAJOR = 4;
    public static final int VERSION_MINOR = 0;
    /** 5 u32 fields (20 bytes) + 6 u16 fields (12) + 8 u64 fields (64) = 96. */
    public static final int SUPERBLOCK_SIZE = 96;

    // byte offsets of the superblock fields
    public static final int SB_MAGIC = 0;
    public static final int SB_INODE_COUNT = 4;
    public static final int SB_MOD_TIME = 8;
    public static final int SB_BLOCK_SIZE = 12;
    public static final int SB_FRAGMENT_COUNT = 16;
    public static final int SB_COMPRESSOR = 20;
    public static final int SB_BLOCK_LOG = 22;
    public static final int SB_FLAGS = 24;
    public static final int SB_ID_COUNT = 26;
    public static final int SB_VERSION_MAJOR = 28;
    public static final int SB_VERSION_MINOR = 30;
    public static final int SB_ROOT_INODE = 32;
    public static final int SB_BYTES_USED = 40;
    public static final int SB_ID_TABLE = 48;
    public static final int SB_XATTR_ID_TABLE = 56;
    public static final int SB_INODE_TABLE = 64;
    public static final int SB_DIRECTORY_TABLE = 72;
    public static final int SB_FRAGMENT_TABLE = 80;
    public static final int SB_EXPORT_TABLE = 88;

    /** An optional table (xattr id, fragment, export) that is absent: 0xFFFFFFFFFFFFFFFF. */
    public static final long NO_TABLE = -1L;

    // --- block sizes ---
    /** 4 KiB = 2^12: the smallest block size mksquashfs accepts ({@code SQUASHFS_FILE_SIZE} range). */
    public static final int MIN_BLOCK_SIZE = 1 << 12;
    /** 1 MiB = 2^20 ({@code SQUASHFS_FILE_MAX_SIZE}). */
    public static final int MAX_BLOCK_SIZE = 1 << 20;
    public static final int MIN_BLOCK_LOG = 12;
    public static final int MAX_BLOCK_LOG = 20;

    // --- superblock flags (squashfs_fs.h SQUASHFS_*_CHECK bit numbers) ---
    public static final int FLAG_UNCOMPRESSED_INODES = 0x0001;
    public static final int FLAG_UNCOMPRESSED_DATA = 0x0002;
    /** Bit 2 (0x4) was SQUASHFS_CHECK in formats before 4.0 and is unused now. */
    public static final int FLAG_UNCOMPRESSED_FRAGMENTS = 0x0008;
    public static final int FLAG_NO_FRAGMENTS = 0x0010;
    public static final int FLAG_ALWAYS_FRAGMENTS = 0x0020;
    public static final int FLAG_DUPLICATES = 0x0040;
    public static final int FLAG_EXPORTABLE = 0x0080;
    public static final int FLAG_UNCOMPRESSED_XATTRS = 0x0100;
    public static final int FLAG_NO_XATTRS = 0x0200;
    public static final int FLAG_COMPRESSOR_OPTIONS = 0x0400;
    public static final int FLAG_UNCOMPRESSED_IDS = 0x0800;

    // --- metadata blocks (format.adoc "Metadata Blocks") ---
    /** A metadata block holds at most 8 KiB of uncompressed data ({@code SQUASHFS_METADATA_SIZE}). */
    public static final int METADATA_MAX = 8192;
    /** The u16 header in front of every metadata block. */
    public static final int METADATA_HEADER_SIZE = 2;
    /** Header bit 15 set: the block is stored uncompressed ({@code SQUASHFS_COMPRESSED_BIT}). */
    public static final int METADATA_UNCOMPRESSED_BIT = 0x8000;
    /** Low 15 bits of the header: bytes the block takes on disk after the header. */
    public static final int METADATA_SIZE_MASK = 0x7FFF;

    // --- data and fragment blocks ---
    /** Bit 24 of a data/fragment block size: stored uncompressed ({@code SQUASHFS_COMPRESSED_BIT_BLOCK}). */
    public static final int BLOCK_UNCOMPRESSED_BIT = 1 << 24;
    /** Low 24 bits of a data/fragment block size: bytes on disk. */
    public static final int BLOCK_SIZE_MASK = 0x00FF_FFFF;

    // --- lookup tables (fragment, export, id, xattr id) ---
    /** Each lookup table is indexed by an uncompressed array of u64 positions of its metadata blocks. */
    public static final int LOOKUP_INDEX_ENTRY_SIZE = 8;
    /** Fragment entry: u64 start, u32 size (bit 24 = uncompressed), u32 unused. */
    public static final int FRAGMENT_ENTRY_SIZE = 16;
    /** 8192 / 16 = 512 fragment entries fill one metadata block. */
    public static final int FRAGMENTS_PER_METADATA_BLOCK = METADATA_MAX / FRAGMENT_ENTRY_SIZE;
    /** Id table entry: one u32 uid/gid. */
    public static final int ID_ENTRY_SIZE = 4;
    /** Header the superblock's xattr_id_table points at: u64 kv_start, u32 count, u32 unused. */
    public static final int XATTR_ID_TABLE_HEADER_SIZE = 16;

    // --- inodes and directories (format.adoc "Inode Table", "Directory Table") ---
    /** Common inode header: u16 type, u16 mode, u16 uid_idx, u16 gid_idx, u32 mtime, u32 inode_number. */
    public static final int INODE_HEADER_SIZE = 16;
    /** Index value meaning "no fragment" or "no xattrs". */
    public static final long NO_INDEX = 0xFFFF_FFFFL;
    /** Longest symlink target accepted (PATH_MAX; the kernel and unsquashfs bound it the same way). */
    public static final int MAX_SYMLINK_TARGET = 4096;
    /** Directory header: u32 count-1, u32 inode block start, u32 inode number base. */
    public static final int DIR_HEADER_SIZE = 12;
    /** Directory entry before its name: u16 offset, s16 inode delta, u16 type, u16 name_size-1. */
    public static final int DIR_ENTRY_SIZE = 8;
    /** Entries one directory header may cover. */
    public static final int DIR_MAX_ENTRIES_PER_HEADER = 256;
    /** Longest entry name: name_size-1 is stored, mksquashfs and the kernel allow 256 bytes. */
    public static final int MAX_NAME = 256;
    /** Directory index entry before its name: u32 index, u32 start, u32 name_size-1. */
    public static final int DIR_INDEX_ENTRY_SIZE = 12;
    /** The smallest header run: one header and one entry with a 1-byte name (12 + 8 + 1). */
    public static final int DIR_MIN_RUN = DIR_HEADER_SIZE + DIR_ENTRY_SIZE + 1;
    /** A directory inode's size counts 3 bytes beyond its listing (for "." and ".."). */
    public static final int DIR_SIZE_BIAS = 3;
    /** Id table entries per metadata block: 8192 / 4. */
    public static final int IDS_PER_METADATA_BLOCK = METADATA_MAX / ID_ENTRY_SIZE;

    // --- xattrs (format.adoc "Extended Attributes") ---
    /** Xattr id entry: u64 key/value reference, u32 count, u32 size. */
    public static final int XATTR_ID_ENTRY_SIZE = 16;
    /** Xattr key type bit: the value is an 8-byte reference to a value stored elsewhere in the kv table. */
    public static final int XATTR_VALUE_OUT_OF_LINE = 0x100;
    /** Key type (low byte) to name prefix: 0 user, 1 trusted, 2 security. */
    public static final String[] XATTR_PREFIXES = {"user.", "trusted.", "security."};
    /** Key: u16 type, u16 name_size before the name. */
    public static final int XATTR_KEY_HEADER_SIZE = 4;
    /** Longest xattr name Linux allows, prefix included (XATTR_NAME_MAX, linux/limits.h). */
    public static final int XATTR_NAME_MAX = 255;
    /** Largest xattr value Linux allows (XATTR_SIZE_MAX). */
    public static final int XATTR_SIZE_MAX = 65536;
    /** Most bytes a file's xattr names may take, each with its NUL (XATTR_LIST_MAX). */
    public static final int XATTR_LIST_MAX = 65536;

    // --- export table (format.adoc "Export Table") ---
    /** Export table entry: the u64 inode reference of inode number i + 1. */
    public static final int EXPORT_ENTRY_SIZE = 8;
}
