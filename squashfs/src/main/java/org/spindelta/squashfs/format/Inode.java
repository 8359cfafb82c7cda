package org.spindelta.squashfs.format;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One inode (format.adoc "Inode Table"): the common {@link InodeHeader} and the fields of its kind.
 * Extended kinds (types 8..14) add an xattr index ({@link SquashfsConstants#NO_INDEX} when none) and,
 * for files and directories, wider fields; {@link #extended()} tells them apart.
 */
public sealed interface Inode {
    InodeHeader header();

    /** The xattr id index, or NO_INDEX (always NO_INDEX for basic types). */
    long xattrIndex();

    /** The link count; a basic file inode stores none and counts as 1. */
    long nlink();

    default InodeType type() {
        return header().type();
    }

    default boolean extended() {
        return header().type().extended();
    }

    /**
     * A directory (types 1 and 8).
     *
     * @param startBlock block of its listing, relative to the directory table start
     * @param offset offset of the listing in that block's decoded bytes, below 8192
     * @param size listing size + 3; 3 or less means empty
     * @param parentInode inode number of the parent (root: inode_count + 1)
     * @param index the ext inode's directory index, in listing order (empty for basic)
     */
    record Directory(InodeHeader header, long nlink, long startBlock, int offset, long size, long parentInode,
            List<DirectoryIndexEntry> index, long xattrIndex) implements Inode {
        /** Bytes of headers and entries: size - 3, or 0 when empty. */
        public long listingSize() {
            return Math.max(0, size - SquashfsConstants.DIR_SIZE_BIAS);
        }
    }

    /**
     * One directory index entry of an ext directory inode: where a header run starts.
     *
     * @param index byte offset of the header in the listing
     * @param start block of that header, relative to the directory table start
     * @param name the first name the header covers, 1..256 bytes
     */
    record DirectoryIndexEntry(long index, long start, byte[] name) {
    }

    /**
     * A regular file (types 2 and 9).
     *
     * @param blocksStart image offset of its first data block (0 when it has none)
     * @param size file size in bytes, 0..2^64-1 (unsigned)
     * @param sparse bytes saved by sparse blocks (ext only)
     * @param fragmentIndex fragment table index of its tail, or NO_INDEX
     * @param fragmentOffset offset of its tail in the fragment block
     * @param blockSizes one u32 per full (or, without a fragment, partial) block: bit 24 uncompressed, low
     *     24 bits stored size, 0 = sparse
     */
    record File(InodeHeader header, long nlink, long blocksStart, long size, long sparse, long fragmentIndex,
            long fragmentOffset, int[] blockSizes, long xattrIndex) implements Inode {
        public boolean hasFragment() {
            return fragmentIndex != SquashfsConstants.NO_INDEX;
        }
    }

    /**
     * A symbolic link (types 3 and 10).
     *
     * @param target 1..4096 bytes
     */
    record Symlink(InodeHeader header, long nlink, byte[] target, long xattrIndex) implements Inode {
        public String targetString() {
            return new String(target, StandardCharsets.UTF_8);
        }
    }

    /**
     * A block or character device (types 4, 5, 11, 12).
     *
     * @param rdev the device number as the kernel's new_encode_dev packs it
     */
    record Device(InodeHeader header, long nlink, long rdev, long xattrIndex) implements Inode {
    }

    /** A fifo or socket (types 6, 7, 13, 14). */
    record Ipc(InodeHeader header, long nlink, long xattrIndex) implements Inode {
    }
}
