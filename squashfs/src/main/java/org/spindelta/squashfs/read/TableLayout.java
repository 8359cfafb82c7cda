package org.spindelta.squashfs.read;

/**
 * Where a lookup table lies on disk (fragment, export, id, xattr id; format.adoc "Lookup tables"): the
 * image offsets of its metadata blocks, and the byte range of the index that lists them (for the xattr
 * id table, its 16-byte header and the index).
 *
 * @param blockPositions image offsets of the metadata blocks, in index order (the caller's copy)
 * @param indexStart where the index (or header and index) starts
 * @param indexSize its size in bytes; 0 when the image has no such table
 */
public record TableLayout(long[] blockPositions, long indexStart, long indexSize) {
    static TableLayout of(LookupIndex index) {
        return new TableLayout(index.positions(), index.start(), index.size());
    }
}
