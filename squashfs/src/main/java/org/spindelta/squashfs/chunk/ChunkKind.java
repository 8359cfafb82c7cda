package org.spindelta.squashfs.chunk;

/**
 * What a {@link Chunk} of an image holds, in the order mksquashfs writes them (reference doc §1 "Write
 * order").
 */
public enum ChunkKind {
    SUPERBLOCK("superblock"),
    COMPRESSOR_OPTIONS("compressor options"),
    /** One data block of one or more regular files (duplicates and hard links share it). */
    DATA_BLOCK("data block"),
    /** A block of packed file tails. */
    FRAGMENT_BLOCK("fragment block"),
    INODE_TABLE("inode table block"),
    DIRECTORY_TABLE("directory table block"),
    FRAGMENT_TABLE("fragment table block"),
    FRAGMENT_INDEX("fragment table index"),
    EXPORT_TABLE("export table block"),
    EXPORT_INDEX("export table index"),
    ID_TABLE("id table block"),
    ID_INDEX("id table index"),
    XATTR_KV("xattr key/value block"),
    XATTR_ID_TABLE("xattr id table block"),
    /** The 16-byte xattr id table header and the u64 index after it. */
    XATTR_ID_INDEX("xattr id table header and index"),
    /** After bytes_used: mksquashfs pads the image to a multiple of 4 KiB. */
    PADDING("padding"),
    /** Bytes before bytes_used that no structure refers to; mksquashfs leaves none. */
    UNREFERENCED("unreferenced");

    private final String label;

    ChunkKind(String label) {
        this.label = label;
    }

    /** A short lowercase name, e.g. "data block". */
    public String label() {
        return label;
    }

    /** Whether this kind is a metadata block (a u16 header, then up to 8 KiB stored). */
    public boolean metadata() {
        return switch (this) {
            case INODE_TABLE, DIRECTORY_TABLE, FRAGMENT_TABLE, EXPORT_TABLE, ID_TABLE, XATTR_KV, XATTR_ID_TABLE -> true;
            default -> false;
        };
    }
}
