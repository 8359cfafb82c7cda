package org.spindelta.jigdo.format;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * A parsed, validated template: its header, the index of its DATA/BZIP parts and its DESC entries, with
 * each entry's image offset and each unmatched entry's offset in the parts' decompressed bytes. Made by
 * {@link TemplateReader}, which has checked every invariant: entry lengths sum to the image length, the
 * parts yield exactly the unmatched bytes, one image-info entry, one checksum kind.
 *
 * <p>Entries stay in the raw DESC bytes (kept here, at most {@link TemplateReader.Options#maxDescBytes()})
 * plus three primitive arrays, 20 bytes per entry, and are decoded on demand, so a template for a DVD of
 * 10,000 files costs well under 1 MiB. Immutable and thread-safe.
 */
public final class Template {
    private final TemplateHeader header;
    private final long fileLength;
    private final long descOffset;
    private final byte[] desc;
    private final int[] entryPos;
    private final long[] entryImageOffset;
    private final long[] entryDataOffset;
    private final int imageInfoIndex;
    private final ChecksumKind checksumKind;
    private final DataPart[] parts;

    Template(TemplateHeader header, long fileLength, long descOffset, byte[] desc, int[] entryPos,
            long[] entryImageOffset, long[] entryDataOffset, int imageInfoIndex, ChecksumKind checksumKind,
            DataPart[] parts) {
        this.header = header;
        this.fileLength = fileLength;
        this.descOffset = descOffset;
        this.desc = desc;
        this.entryPos = entryPos;
        this.entryImageOffset = entryImageOffset;
        this.entryDataOffset = entryDataOffset;
        this.imageInfoIndex = imageInfoIndex;
        this.checksumKind = checksumKind;
        this.parts = parts;
    }

    public TemplateHeader header() {
        return header;
    }

    /** Bytes of the template file. */
    public long fileLength() {
        return fileLength;
    }

    /** Where the DESC part starts in the file. */
    public long descOffset() {
        return descOffset;
    }

    /** MD5 (types 1, 3, 5, 6) or SHA-256 (types 8, 9). */
    public ChecksumKind checksumKind() {
        return checksumKind;
    }

    /** The image's length, from the image-info entry (equal to the sum of the other entries). */
    public long imageLength() {
        return imageInfo().length();
    }

    /** The image-info entry: the image's length and checksum. */
    public DescEntry imageInfo() {
        return entry(imageInfoIndex);
    }

    /** DESC entries, image info included, in file order. */
    public int entryCount() {
        return entryPos.length;
    }

    /** Entry {@code i}, decoded from the DESC bytes. */
    public DescEntry entry(int i) {
        int p = entryPos[i];
        DescEntryType type = DescEntryType.values()[typeOrdinal(desc[p])];
        long len = TemplateReader.uint48(desc, p + 1);
        int q = p + 1 + TemplateFormat.LENGTH_FIELD;
        byte[] rsync = null;
        if (type.isMatched() && type.hasRsync()) {
            rsync = Arrays.copyOfRange(desc, q, q + Rsync64Sum.LENGTH);
            q += Rsync64Sum.LENGTH;
        }
        byte[] sum = null;
        int block = -1;
        if (type.checksum() != null) {
            sum = Arrays.copyOfRange(desc, q, q + type.checksum().length());
            q += type.checksum().length();
            if (type.isImageInfo() && type.hasRsync()) {
                block = TemplateReader.int32(desc, q);
            }
        }
        return new DescEntry(type, type.isImageInfo() ? len : entryImageOffset[i], len, rsync, sum, block);
    }

    /** All entries, decoded as they are read. */
    public List<DescEntry> entries() {
        return new AbstractList<>() {
            @Override
            public DescEntry get(int index) {
                return entry(index);
            }

            @Override
            public int size() {
                return entryCount();
            }
        };
    }

    /**
     * For an unmatched entry, the offset of its first byte in the parts' decompressed bytes; for others,
     * the unmatched bytes before it.
     */
    public long dataOffset(int entryIndex) {
        return entryDataOffset[entryIndex];
    }

    /**
     * The index of the entry (not image info) holding image byte {@code imageOffset}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= imageOffset < imageLength()}
     */
    public int entryAt(long imageOffset) {
        if (imageOffset < 0 || imageOffset >= imageLength()) {
            throw new IndexOutOfBoundsException("image offset " + imageOffset + " outside [0, " + imageLength() + ")");
        }
        int lo = 0;
        int hi = entryPos.length - 1;
        while (lo < hi) { // the last entry starting at or before the byte; offsets never decrease
            int mid = (lo + hi + 1) >>> 1;
            if (entryImageOffset[mid] <= imageOffset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        // step back over the image info and zero-length entries to the one that holds the byte
        while (lo == imageInfoIndex || TemplateReader.uint48(desc, entryPos[lo] + 1) == 0) {
            lo--;
        }
        return lo;
    }

    /** DATA and BZIP parts in file order. */
    public int partCount() {
        return parts.length;
    }

    public DataPart part(int i) {
        return parts[i];
    }

    public List<DataPart> parts() {
        return List.of(parts);
    }

    /** The index of the part whose decompressed bytes hold unmatched byte {@code dataOffset}. */
    public int partAt(long dataOffset) {
        int lo = 0;
        int hi = parts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (parts[mid].dataOffset() <= dataOffset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        while (lo + 1 < parts.length && parts[lo].dataOffset() + parts[lo].dataLength() <= dataOffset) {
            lo++; // skip parts that yield nothing
        }
        return lo;
    }

    private static int typeOrdinal(byte b) {
        for (DescEntryType t : DescEntryType.values()) {
            if (t.value() == b) {
                return t.ordinal();
            }
        }
        throw new IllegalStateException("validated by TemplateReader");
    }
}
