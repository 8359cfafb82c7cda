package org.spindelta.squashfs.read;

import static org.spindelta.squashfs.format.SquashfsConstants.BLOCK_SIZE_MASK;
import static org.spindelta.squashfs.format.SquashfsConstants.DIR_INDEX_ENTRY_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.DIR_MIN_RUN;
import static org.spindelta.squashfs.format.SquashfsConstants.DIR_SIZE_BIAS;
import static org.spindelta.squashfs.format.SquashfsConstants.MAX_NAME;
import static org.spindelta.squashfs.format.SquashfsConstants.MAX_SYMLINK_TARGET;
import static org.spindelta.squashfs.format.SquashfsConstants.NO_INDEX;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.format.InodeHeader;
import org.spindelta.squashfs.format.InodeType;
import org.spindelta.squashfs.format.SuperBlock;

/**
 * Parses inodes from the inode table and validates them against the superblock (reference doc §6,
 * checklist items 5–7 and 10): type 1..14, uid/gid index below id_count, inode number in
 * [1, inode_count], fragment index below fragment_count or none, xattr index below the xattr id count
 * or none, a block list whose length follows from the file size (ceil(size / block_size) without a
 * fragment, floor with one) and fits in the inode table, block sizes at most block_size, blocks inside
 * the data area, symlink targets of 1..4096 bytes, and directory indexes no longer than the listing
 * could need.
 */
public final class InodeReader {
    private final SuperBlock superBlock;
    private final long xattrIdCount;

    /** @param xattrIdCount ids in the xattr id table (0 when there is none) */
    public InodeReader(SuperBlock superBlock, long xattrIdCount) {
        this.superBlock = superBlock;
        this.xattrIdCount = xattrIdCount;
    }

    /** Reads the inode at {@code ref} of {@code in}, an inode-table reader. */
    public Inode read(MetadataReader in, long ref) throws IOException {
        in.seek(ref);
        return read(in);
    }

    /** As {@link #read(MetadataReader, long)} with an image with no xattr table information. */
    public static Inode read(MetadataReader in, long ref, SuperBlock superBlock) throws IOException {
        return new InodeReader(superBlock, Long.MAX_VALUE).read(in, ref);
    }

    /**
     * Reads the inode at the cursor.
     *
     * @throws CorruptInputException naming the field, its value, the allowed range and the inode's position
     */
    public Inode read(MetadataReader in) throws IOException {
        String at = "inode at " + in.where() + " (ref 0x" + Long.toHexString(in.reference()) + ")";
        InodeType type = InodeType.of(in.readU16(), at);
        int perms = in.readU16();
        int uid = in.readU16();
        int gid = in.readU16();
        long mtime = in.readU32();
        long number = in.readU32();
        int ids = superBlock.idCount();
        check(uid < ids, at, "uid_idx", uid, "[0, " + ids + ") (id_count)");
        check(gid < ids, at, "gid_idx", gid, "[0, " + ids + ") (id_count)");
        check(number >= 1 && number <= superBlock.inodeCount(), at, "inode_number", number,
                "[1, " + superBlock.inodeCount() + "] (inode_count)");
        InodeHeader h = new InodeHeader(type, perms & 07777, uid, gid, mtime, number);
        boolean ext = type.extended();
        return switch (type) {
            case DIRECTORY -> {
                long startBlock = in.readU32();
                long nlink = in.readU32();
                int size = in.readU16();
                int offset = in.readU16();
                long parent = in.readU32();
                yield directory(h, nlink, startBlock, offset, size, parent, List.of(), NO_INDEX, at);
            }
            case EXT_DIRECTORY -> {
                long nlink = in.readU32();
                long size = in.readU32();
                long startBlock = in.readU32();
                long parent = in.readU32();
                int indexCount = in.readU16();
                int offset = in.readU16();
                long xattr = xattr(in.readU32(), at);
                long listing = Math.max(0, size - DIR_SIZE_BIAS);
                // every index entry marks a header run, which takes at least 12 + 8 + 1 bytes of the listing
                check(indexCount <= listing / DIR_MIN_RUN, at, "index_count", indexCount,
                        "[0, " + listing / DIR_MIN_RUN + "] (directory size " + size + " / " + DIR_MIN_RUN + ")");
                List<Inode.DirectoryIndexEntry> index = new ArrayList<>(indexCount);
                for (int i = 0; i < indexCount; i++) {
                    long idx = in.readU32();
                    long start = in.readU32();
                    long nameSize = in.readU32() + 1;
                    check(nameSize <= MAX_NAME, at, "directory index " + i + " name_size", nameSize, "[1, " + MAX_NAME + "]");
                    check(idx < listing, at, "directory index " + i + " index", idx, "[0, " + listing + ")");
                    index.add(new Inode.DirectoryIndexEntry(idx, start, in.readBytes((int) nameSize)));
                }
                yield directory(h, nlink, startBlock, offset, size, parent, List.copyOf(index), xattr, at);
            }
            case FILE -> {
                long blocksStart = in.readU32();
                long frag = in.readU32();
                long fragOff = in.readU32();
                long size = in.readU32();
                yield file(in, h, 1, blocksStart, size, 0, frag, fragOff, NO_INDEX, at);
            }
            case EXT_FILE -> {
                long blocksStart = in.readU64();
                long size = in.readU64();
                long sparse = in.readU64();
                long nlink = in.readU32();
                long frag = in.readU32();
                long fragOff = in.readU32();
                long xattr = xattr(in.readU32(), at);
                yield file(in, h, nlink, blocksStart, size, sparse, frag, fragOff, xattr, at);
            }
            case SYMLINK, EXT_SYMLINK -> {
                long nlink = in.readU32();
                long size = in.readU32();
                check(size >= 1 && size <= MAX_SYMLINK_TARGET, at, "symlink target_size", size,
                        "[1, " + MAX_SYMLINK_TARGET + "]");
                byte[] target = in.readBytes((int) size);
                long xattr = ext ? xattr(in.readU32(), at) : NO_INDEX;
                yield new Inode.Symlink(h, nlink, target, xattr);
            }
            case BLOCK_DEVICE, CHAR_DEVICE, EXT_BLOCK_DEVICE, EXT_CHAR_DEVICE -> {
                long nlink = in.readU32();
                long rdev = in.readU32();
                long xattr = ext ? xattr(in.readU32(), at) : NO_INDEX;
                yield new Inode.Device(h, nlink, rdev, xattr);
            }
            case FIFO, SOCKET, EXT_FIFO, EXT_SOCKET -> {
                long nlink = in.readU32();
                long xattr = ext ? xattr(in.readU32(), at) : NO_INDEX;
                yield new Inode.Ipc(h, nlink, xattr);
            }
        };
    }

    private Inode.Directory directory(InodeHeader h, long nlink, long startBlock, int offset, long size, long parent,
            List<Inode.DirectoryIndexEntry> index, long xattr, String at) throws CorruptInputException {
        long dirTable = superBlock.directoryTable();
        long dirEnd = directoryTableEnd(superBlock);
        if (size > DIR_SIZE_BIAS) {
            check(startBlock < dirEnd - dirTable, at, "directory start_block", startBlock,
                    "[0, " + (dirEnd - dirTable) + ") (the directory table size)");
            check(offset < org.spindelta.squashfs.format.SquashfsConstants.METADATA_MAX, at, "directory block_offset",
                    offset, "[0, 8192)");
        }
        return new Inode.Directory(h, nlink, startBlock, offset, size, parent, index, xattr);
    }

    private Inode.File file(MetadataReader in, InodeHeader h, long nlink, long blocksStart, long size, long sparse,
            long frag, long fragOff, long xattr, String at) throws IOException {
        int bs = superBlock.blockSize();
        boolean hasFrag = frag != NO_INDEX;
        if (hasFrag) {
            check(frag < superBlock.fragmentCount(), at, "fragment index", frag,
                    "[0, " + superBlock.fragmentCount() + ") (fragment_count) or 0xFFFFFFFF");
            check(fragOff < bs, at, "fragment offset", fragOff, "[0, " + bs + ") (block_size)");
            long tail = Long.remainderUnsigned(size, bs);
            check(tail <= bs - fragOff, at, "fragment offset", fragOff,
                    "[0, " + (bs - tail) + "] (block_size - the " + tail + "-byte tail)");
        }
        // size is unsigned 64-bit: divide unsigned, and round up without overflowing
        long whole = Long.divideUnsigned(size, bs);
        long count = hasFrag || Long.remainderUnsigned(size, bs) == 0 ? whole : whole + 1;
        // the u32 sizes lie in the inode table after this inode; its blocks take at least 3 bytes on disk
        // each (header + 1) and decode to at most 8192, so it holds at most (size / 3 + 1) * 2048 of them
        long limit = Math.min(Integer.MAX_VALUE / 8, in.maxDecodedSize() / 4);
        if (count < 0 || count > limit) {
            throw new CorruptInputException(at + ": file size " + Long.toUnsignedString(size) + " needs "
                    + Long.toUnsignedString(count) + " block sizes, outside [0, " + limit
                    + "] (what the inode table's " + in.tableSize() + " bytes can decode to)");
        }
        int[] sizes = new int[(int) count];
        long stored = 0;
        for (int i = 0; i < count; i++) {
            long v = in.readU32();
            long onDisk = v & BLOCK_SIZE_MASK;
            if ((v & ~(BLOCK_SIZE_MASK | org.spindelta.squashfs.format.SquashfsConstants.BLOCK_UNCOMPRESSED_BIT)) != 0
                    || onDisk > bs) {
                throw new CorruptInputException(at + ": block size " + i + " is 0x" + Long.toHexString(v)
                        + "; stored size must be in [0, " + bs + "] (block_size) with only bit 24 above it");
            }
            sizes[i] = (int) v;
            stored += onDisk;
        }
        if (stored > 0) {
            long end = superBlock.inodeTable();
            // stored < 2^31 * 2^20, blocksStart < 2^64 unsigned: compare without overflow
            if (blocksStart < 0 || blocksStart > end || stored > end - blocksStart) {
                throw new CorruptInputException(at + ": data blocks at byte " + Long.toUnsignedString(blocksStart)
                        + " (" + stored + " bytes) outside the data area, which ends at byte " + end + " (inode_table_start)");
            }
        }
        return new Inode.File(h, nlink, blocksStart, size, sparse, frag, fragOff, sizes, xattr);
    }

    private long xattr(long v, String at) throws CorruptInputException {
        if (v != NO_INDEX) {
            check(v < xattrIdCount, at, "xattr index", v, "[0, " + xattrIdCount + ") (xattr ids) or 0xFFFFFFFF");
        }
        return v;
    }

    private static void check(boolean ok, String at, String field, long value, String range)
            throws CorruptInputException {
        if (!ok) {
            throw new CorruptInputException(at + ": " + field + " " + value + " outside " + range);
        }
    }

    /** Where the directory table ends: the first of the fragment, export and id tables that follows it. */
    public static long directoryTableEnd(SuperBlock s) {
        if (s.hasFragmentTable()) {
            return s.fragmentTable();
        }
        return s.hasExportTable() ? s.exportTable() : s.idTable();
    }
}
