package org.spindelta.squashfs.read;

import static org.spindelta.squashfs.format.SquashfsConstants.DIR_ENTRY_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.DIR_HEADER_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.DIR_MAX_ENTRIES_PER_HEADER;
import static org.spindelta.squashfs.format.SquashfsConstants.MAX_NAME;
import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_MAX;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.format.DirectoryEntry;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.format.InodeType;
import org.spindelta.squashfs.format.SuperBlock;

/**
 * Reads a directory's listing from the directory table (format.adoc "Directory Table"): size − 3 bytes
 * of header runs, each a header {u32 count − 1 (at most 255), u32 inode block start relative to the inode
 * table, s32 inode number base} and count entries {u16 offset, s16 inode number delta, u16 basic type,
 * u16 name size − 1, name}. Validates (reference doc §6 item 8) names of 1..256 bytes without '/' or NUL
 * and other than "." and "..", strictly increasing bytewise order across the listing, inode numbers in
 * [1, inode_count], inode blocks inside the inode table, and a listing size the directory table can hold.
 */
public final class DirectoryReader {
    private final MetadataReader in;
    private final SuperBlock superBlock;
    private final long inodeTableSize;

    /** @param in a reader over the directory table */
    public DirectoryReader(MetadataReader in, SuperBlock superBlock) {
        this.in = in;
        this.superBlock = superBlock;
        this.inodeTableSize = superBlock.directoryTable() - superBlock.inodeTable();
    }

    /**
     * The entries of {@code dir}, in listing order.
     *
     * @throws CorruptInputException naming the directory, the field, its value and range
     */
    public List<DirectoryEntry> read(Inode.Directory dir) throws IOException {
        long listing = dir.listingSize();
        if (listing == 0) {
            return List.of();
        }
        String what = "directory inode " + dir.header().inodeNumber();
        long maxListing = in.maxDecodedSize();
        if (listing > maxListing) {
            throw new CorruptInputException(what + ": size " + dir.size() + " outside [0, " + maxListing
                    + "] (what the directory table's " + in.tableSize() + " bytes can decode to)");
        }
        in.seek(dir.startBlock(), dir.offset());
        List<DirectoryEntry> out = new ArrayList<>();
        byte[] previous = null;
        long read = 0;
        List<Inode.DirectoryIndexEntry> index = dir.index();
        int nextIndex = 0;
        while (read < listing) {
            String at = what + ", header at " + in.where();
            long headerBlock = in.nextReadBlock() - in.tableStart();
            long headerOffset = read;
            if (listing - read < DIR_HEADER_SIZE) {
                throw new CorruptInputException(at + ": " + (listing - read) + " listing bytes left, fewer than the "
                        + DIR_HEADER_SIZE + "-byte header (directory size " + dir.size() + ")");
            }
            long count = in.readU32() + 1;
            long start = in.readU32();
            long base = in.readU32();
            read += DIR_HEADER_SIZE;
            if (count > DIR_MAX_ENTRIES_PER_HEADER) {
                throw new CorruptInputException(at + ": count " + count + " outside [1, " + DIR_MAX_ENTRIES_PER_HEADER + "]");
            }
            if (start >= inodeTableSize) {
                throw new CorruptInputException(at + ": inode block start " + start + " outside [0, " + inodeTableSize
                        + ") (the inode table size)");
            }
            for (int i = 0; i < count; i++) {
                String eat = what + ", entry at " + in.where();
                if (listing - read < DIR_ENTRY_SIZE + 1) {
                    throw new CorruptInputException(eat + ": entry runs past the listing end (directory size "
                            + dir.size() + ")");
                }
                int offset = in.readU16();
                int delta = (short) in.readU16();
                int typeValue = in.readU16();
                int nameSize = in.readU16() + 1;
                read += DIR_ENTRY_SIZE;
                if (typeValue < 1 || typeValue > InodeType.EXTENDED_OFFSET) {
                    throw new CorruptInputException(eat + ": type " + typeValue + " outside [1, "
                            + InodeType.EXTENDED_OFFSET + "] (basic types)");
                }
                if (offset >= METADATA_MAX) {
                    throw new CorruptInputException(eat + ": inode offset " + offset + " outside [0, " + METADATA_MAX + ")");
                }
                if (nameSize > MAX_NAME || nameSize > listing - read) {
                    throw new CorruptInputException(eat + ": name_size " + nameSize + " outside [1, "
                            + Math.min(MAX_NAME, listing - read) + "]");
                }
                byte[] name = in.readBytes(nameSize);
                read += nameSize;
                checkName(name, eat);
                if (previous != null && Arrays.compareUnsigned(previous, name) >= 0) {
                    throw new CorruptInputException(eat + ": name \"" + printable(name) + "\" does not sort after \""
                            + printable(previous) + "\" (entries must be strictly increasing bytewise, no duplicates)");
                }
                previous = name;
                if (i == 0 && nextIndex < index.size() && index.get(nextIndex).index() == headerOffset) {
                    checkIndexEntry(index.get(nextIndex), nextIndex, headerBlock, name, what);
                    nextIndex++;
                }
                long number = (base + delta) & 0xFFFF_FFFFL;
                if (number < 1 || number > superBlock.inodeCount()) {
                    throw new CorruptInputException(eat + ": inode number " + number + " (base " + base + " + delta "
                            + delta + ") outside [1, " + superBlock.inodeCount() + "] (inode_count)");
                }
                out.add(new DirectoryEntry(name, InodeType.of(typeValue, eat), number, start << 16 | offset));
            }
        }
        if (nextIndex < index.size()) {
            Inode.DirectoryIndexEntry e = index.get(nextIndex);
            throw new CorruptInputException(what + ": directory index entry " + nextIndex + " points at listing byte "
                    + e.index() + ", where no header starts (the index must follow the listing's headers in order)");
        }
        return out;
    }

    /**
     * A directory index entry (format.adoc "Directory Index") must name the header at its listing offset:
     * the block that header starts in and its first name. The kernel's lookup trusts it to skip ahead, so
     * an index that disagrees with the listing would make the kernel miss files this reader lists.
     */
    private static void checkIndexEntry(Inode.DirectoryIndexEntry e, int k, long headerBlock, byte[] firstName,
            String what) throws CorruptInputException {
        if (e.start() != headerBlock || !Arrays.equals(e.name(), firstName)) {
            throw new CorruptInputException(what + ": directory index entry " + k + " (listing byte " + e.index()
                    + ", block " + e.start() + ", name \"" + printable(e.name()) + "\") disagrees with the header there"
                    + " (block " + headerBlock + ", first name \"" + printable(firstName) + "\")");
        }
    }

    private static void checkName(byte[] name, String at) throws CorruptInputException {
        for (byte b : name) {
            if (b == '/' || b == 0) {
                throw new CorruptInputException(at + ": name \"" + printable(name) + "\" contains "
                        + (b == 0 ? "NUL" : "'/'") + " (names may not contain '/' or NUL)");
            }
        }
        if (name.length == 1 && name[0] == '.' || name.length == 2 && name[0] == '.' && name[1] == '.') {
            throw new CorruptInputException(at + ": name \"" + printable(name) + "\" is not allowed (\".\" and \"..\" are implied)");
        }
    }

    /** The name with control bytes escaped, for messages. */
    static String printable(byte[] name) {
        StringBuilder sb = new StringBuilder();
        for (byte b : name) {
            int c = b & 0xFF;
            if (c < 0x20 || c >= 0x7F) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
