package org.spindelta.squashfs.read;

import static org.spindelta.squashfs.format.SquashfsConstants.LOOKUP_INDEX_ENTRY_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_MAX;
import static org.spindelta.squashfs.format.SquashfsConstants.XATTR_ID_ENTRY_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.XATTR_ID_TABLE_HEADER_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.XATTR_KEY_HEADER_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.XATTR_LIST_MAX;
import static org.spindelta.squashfs.format.SquashfsConstants.XATTR_NAME_MAX;
import static org.spindelta.squashfs.format.SquashfsConstants.XATTR_PREFIXES;
import static org.spindelta.squashfs.format.SquashfsConstants.XATTR_SIZE_MAX;
import static org.spindelta.squashfs.format.SquashfsConstants.XATTR_VALUE_OUT_OF_LINE;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.format.SuperBlock;
import org.spindelta.squashfs.format.Xattr;

/**
 * The xattr table (format.adoc "Extended Attributes"): the key/value metadata blocks from
 * {@code kv_start}, then the xattr id lookup table (16-byte entries {u64 kv reference, u32 count,
 * u32 size}), then the header the superblock points at ({u64 kv_start, u32 count, u32 unused}) followed
 * by the id table's u64 index. A key is {u16 type, u16 name_size, name}; its value {u32 size, bytes},
 * or, when type has bit 0x100, an 8-byte reference to a value stored once elsewhere in the kv blocks
 * (mksquashfs shares repeated values that way).
 *
 * <p>Names and values are bounded by the limits Linux puts on them (a longer one cannot come from a
 * real file): names of at most 255 bytes with their prefix, values of at most 64 KiB, and at most
 * 64 KiB of names per file (reference doc §6 items 5 and 12).
 *
 * <p>Not thread-safe: it caches decoded blocks and owns a decompressor. Open one per thread.
 */
public final class XattrTable implements AutoCloseable {
    private final SquashfsImage image;
    private final long kvStart;
    private final long kvEnd;
    private final LookupIndex ids;
    private final BlockDecompressor decompressor;
    private final MetadataReader kv;
    private int cachedBlock = -1;
    private byte[] cachedEntries;

    private XattrTable(SquashfsImage image, long kvStart, long kvEnd, LookupIndex ids) {
        this.image = image;
        this.kvStart = kvStart;
        this.kvEnd = kvEnd;
        this.ids = ids;
        this.decompressor = image.newDecompressor();
        this.kv = new MetadataReader(image, kvStart, kvEnd, "xattr key/value table", decompressor);
    }

    /**
     * Reads and checks the header and index of {@code image}'s xattr table; an image without one gets an
     * empty table.
     *
     * @throws CorruptInputException if kv_start does not lie between the id table's index and the header,
     *     or the index for the header's count does not fit before bytes_used
     */
    public static XattrTable read(SquashfsImage image) throws IOException {
        SuperBlock s = image.superBlock();
        if (!s.hasXattrIdTable()) {
            return new XattrTable(image, 0, 0, LookupIndex.read(image, "xattr id table", "no xattr table", 0,
                    XATTR_ID_ENTRY_SIZE, "xattr_id_table_start", 0, "bytes_used", 0, "kv_start", 0));
        }
        long header = s.xattrIdTable();
        byte[] h = new byte[XATTR_ID_TABLE_HEADER_SIZE];
        image.source().read(header, h, 0, h.length, "xattr id table header");
        long kvStart = LittleEndian.getLong(h, 0);
        long count = LittleEndian.getInt(h, 8) & 0xFFFF_FFFFL;
        // write order: id table index, kv blocks, id blocks, this header
        long idIndexEnd = s.idTable() + ((long) s.idCount() * 4 + METADATA_MAX - 1) / METADATA_MAX
                * LOOKUP_INDEX_ENTRY_SIZE;
        if (kvStart < idIndexEnd || kvStart >= header) {
            throw new CorruptInputException("xattr kv_start " + Long.toUnsignedString(kvStart) + " at byte " + header
                    + " outside [" + idIndexEnd + ", " + header + ") (between the id table's index and the xattr id "
                    + "table header)");
        }
        LookupIndex ids = LookupIndex.read(image, "xattr id table", "xattr id count " + count + " at byte "
                + (header + 8), count, XATTR_ID_ENTRY_SIZE, "the xattr id index", header + XATTR_ID_TABLE_HEADER_SIZE,
                "bytes_used", s.bytesUsed(), "kv_start", kvStart + 1);
        long kvEnd = header;
        for (long p : ids.positions()) {
            kvEnd = Math.min(kvEnd, p);
        }
        return new XattrTable(image, kvStart, kvEnd, ids);
    }

    /** Xattr ids: distinct xattr sets that inodes refer to. */
    public long count() {
        return ids.count();
    }

    /** Where the key/value blocks start and end (exclusive): the first xattr id block, or the header. */
    public long kvStart() {
        return kvStart;
    }

    public long kvEnd() {
        return kvEnd;
    }

    /** Where the xattr id table lies: its blocks, and the 16-byte header with the index after it. */
    public TableLayout layout() {
        return new TableLayout(ids.positions(), image.superBlock().xattrIdTable(),
                image.superBlock().hasXattrIdTable() ? XATTR_ID_TABLE_HEADER_SIZE + ids.size() : 0);
    }

    /**
     * The attributes of xattr id {@code index}, in stored order.
     *
     * @throws CorruptInputException if {@code index} is not below the count, or any key, value or reference
     *     is out of range
     */
    public List<Xattr> get(long index) throws IOException {
        if (index < 0 || index >= ids.count()) {
            throw new CorruptInputException("xattr index " + index + " outside [0, " + ids.count() + ") (xattr ids)");
        }
        int block = (int) (index / ids.entriesPerBlock());
        if (block != cachedBlock) {
            cachedEntries = ids.block(image, block, decompressor).data();
            cachedBlock = block;
        }
        int off = (int) (index % ids.entriesPerBlock()) * XATTR_ID_ENTRY_SIZE;
        long ref = LittleEndian.getLong(cachedEntries, off);
        long count = LittleEndian.getInt(cachedEntries, off + 8) & 0xFFFF_FFFFL;
        String what = "xattr id " + index;
        // each attribute lists at least a 1-byte suffix and its NUL
        if (count < 1 || count > XATTR_LIST_MAX / 2) {
            throw new CorruptInputException(what + ": count " + count + " outside [1, " + XATTR_LIST_MAX / 2 + "]");
        }
        kv.seek(ref);
        List<Xattr> out = new ArrayList<>((int) Math.min(count, 64));
        // an out-of-line value is decoded once per list and shared, so repeating a reference costs no memory
        java.util.Map<Long, byte[]> shared = new java.util.HashMap<>();
        long listBytes = 0;
        for (long i = 0; i < count; i++) {
            String at = what + ", attribute " + i + " at " + kv.where();
            int type = kv.readU16();
            int nameSize = kv.readU16();
            int prefix = type & ~XATTR_VALUE_OUT_OF_LINE;
            if (prefix >= XATTR_PREFIXES.length) {
                throw new CorruptInputException(at + ": type 0x" + Integer.toHexString(type) + " is none of user (0), "
                        + "trusted (1), security (2), with or without 0x100");
            }
            byte[] p = XATTR_PREFIXES[prefix].getBytes(StandardCharsets.US_ASCII);
            if (nameSize < 1 || nameSize > XATTR_NAME_MAX - p.length) {
                throw new CorruptInputException(at + ": name_size " + nameSize + " outside [1, "
                        + (XATTR_NAME_MAX - p.length) + "] (255 bytes with the prefix)");
            }
            byte[] name = new byte[p.length + nameSize];
            System.arraycopy(p, 0, name, 0, p.length);
            kv.readFully(name, p.length, nameSize);
            for (int k = p.length; k < name.length; k++) {
                if (name[k] == 0) {
                    throw new CorruptInputException(at + ": name contains NUL");
                }
            }
            listBytes += name.length + 1;
            if (listBytes > XATTR_LIST_MAX) {
                throw new CorruptInputException(at + ": names take over " + XATTR_LIST_MAX + " bytes (XATTR_LIST_MAX)");
            }
            byte[] value;
            if ((type & XATTR_VALUE_OUT_OF_LINE) != 0) {
                long size = kv.readU32();
                if (size != Long.BYTES) {
                    throw new CorruptInputException(at + ": out-of-line value reference of " + size
                            + " bytes, not 8");
                }
                long valueRef = kv.readU64();
                value = shared.get(valueRef);
                if (value == null) {
                    long back = kv.reference();
                    kv.seek(valueRef);
                    value = readValue(at + ", value at reference 0x" + Long.toHexString(valueRef));
                    kv.restore(back);
                    shared.put(valueRef, value);
                }
            } else {
                value = readValue(at);
            }
            out.add(new Xattr(name, value));
        }
        return out;
    }

    private byte[] readValue(String at) throws IOException {
        long size = kv.readU32();
        if (size > XATTR_SIZE_MAX) {
            throw new CorruptInputException(at + ": value size " + size + " outside [0, " + XATTR_SIZE_MAX
                    + "] (XATTR_SIZE_MAX)");
        }
        return kv.readBytes((int) size);
    }

    @Override
    public void close() {
        decompressor.close();
    }
}
