package org.spindelta.jigdo.template;

/**
 * One extent of an image in an {@link ImageLayout}: bytes the template keeps, or a file (any part) a
 * client fetches. Pieces are in image order and tile the image.
 */
public sealed interface ImagePiece {
    /** Where the piece starts in the image. */
    long offset();

    /** Its bytes; positive. */
    long length();

    default long end() {
        return offset() + length();
    }

    /** Image bytes stored in the template's DATA parts. */
    record Unmatched(long offset, long length) implements ImagePiece {}

    /**
     * Image bytes that equal a file a client fetches.
     *
     * @param location where the .jigdo says it is: {@code Label:path} (resolved through {@code [Servers]})
     *     or a URI, written to {@code [Parts]}
     */
    record Matched(long offset, long length, String location) implements ImagePiece {}
}
