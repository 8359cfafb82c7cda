package org.spindelta.jigdo.format;

import org.spindelta.core.CorruptInputException;

/**
 * The entry types of a template's DESC part with their on-disk byte and total size (reference jigdo.md
 * section 1.4; TechDetails.txt). Types 4, 7 and 10 exist only in jigdo-file's {@code .iso.tmp} files and
 * are rejected like any unknown type.
 */
public enum DescEntryType {
    /** Format 1.0, obsolete: image length(6), MD5(16). */
    IMAGE_INFO_OBSOLETE(1, 1 + 6 + 16, ChecksumKind.MD5),
    /** Unmatched bytes, stored in the DATA/BZIP parts: length(6). */
    UNMATCHED(2, 1 + 6, null),
    /** Format 1.0, obsolete: matched file length(6), MD5(16); no rsync64 sum. */
    MATCHED_OBSOLETE(3, 1 + 6 + 16, ChecksumKind.MD5),
    /** Image info: image length(6), MD5(16), rsync block length(4). */
    IMAGE_INFO_MD5(5, 1 + 6 + 16 + 4, ChecksumKind.MD5),
    /** Matched file: length(6), rsync64 of its first block(8), MD5(16). */
    MATCHED_MD5(6, 1 + 6 + 8 + 16, ChecksumKind.MD5),
    /** Image info: image length(6), SHA-256(32), rsync block length(4). */
    IMAGE_INFO_SHA256(8, 1 + 6 + 32 + 4, ChecksumKind.SHA256),
    /** Matched file: length(6), rsync64 of its first block(8), SHA-256(32). */
    MATCHED_SHA256(9, 1 + 6 + 8 + 32, ChecksumKind.SHA256);

    private final int value;
    private final int size;
    private final ChecksumKind checksum;

    DescEntryType(int value, int size, ChecksumKind checksum) {
        this.value = value;
        this.size = size;
        this.checksum = checksum;
    }

    /** The type byte on disk. */
    public int value() {
        return value;
    }

    /** Bytes of the whole entry, type byte included. */
    public int size() {
        return size;
    }

    /** The checksum this entry carries; null for {@link #UNMATCHED}. */
    public ChecksumKind checksum() {
        return checksum;
    }

    public boolean isImageInfo() {
        return this == IMAGE_INFO_OBSOLETE || this == IMAGE_INFO_MD5 || this == IMAGE_INFO_SHA256;
    }

    public boolean isMatched() {
        return this == MATCHED_OBSOLETE || this == MATCHED_MD5 || this == MATCHED_SHA256;
    }

    /** Whether the entry carries an rsync64 sum (matched) or block length (image info). */
    public boolean hasRsync() {
        return this == MATCHED_MD5 || this == MATCHED_SHA256 || this == IMAGE_INFO_MD5 || this == IMAGE_INFO_SHA256;
    }

    /** The name {@code jigdo-file list-template} prints for the entry. */
    public String listName() {
        if (this == UNMATCHED) {
            return "in-template";
        }
        return (isImageInfo() ? "image-info-" : "need-file-") + checksum.label();
    }

    /**
     * The type stored as {@code value}.
     *
     * @throws CorruptInputException for any other value, naming it and the entry's file offset
     */
    public static DescEntryType of(int value, long fileOffset) throws CorruptInputException {
        for (DescEntryType t : values()) {
            if (t.value == value) {
                return t;
            }
        }
        throw new CorruptInputException("DESC entry type " + value + " at byte " + fileOffset
                + " is not one of 1, 2, 3, 5, 6, 8, 9");
    }

    /** The matched-file type for {@code kind}: 6 or 9. */
    public static DescEntryType matched(ChecksumKind kind) {
        return kind == ChecksumKind.MD5 ? MATCHED_MD5 : MATCHED_SHA256;
    }

    /** The image-info type for {@code kind}: 5 or 8. */
    public static DescEntryType imageInfo(ChecksumKind kind) {
        return kind == ChecksumKind.MD5 ? IMAGE_INFO_MD5 : IMAGE_INFO_SHA256;
    }
}
