package org.spindelta.jigdo.iso;

/**
 * Bytes of an ISO image that hold part of a file's data.
 *
 * @param offset byte offset in the image
 * @param length bytes, at least 1
 */
public record Extent(long offset, long length) {
    public long end() {
        return offset + length;
    }
}
