package org.spindelta.jigdo.rebuild;

import java.nio.file.Path;

/**
 * Where a part's bytes are on this machine: a whole file, or a byte range of a larger one (a part of a
 * template made against a base image, see {@link org.spindelta.jigdo.format.RangeLocation}).
 *
 * @param file the file
 * @param offset where the part starts in it
 * @param whole whether the part is the whole file (its size must then equal the part's length)
 */
public record PartFile(Path file, long offset, boolean whole) {
    public static PartFile whole(Path file) {
        return new PartFile(file, 0, true);
    }

    public static PartFile range(Path file, long offset) {
        return new PartFile(file, offset, false);
    }

    /** For messages: the file, and where in it when a range. */
    public String describe(long length) {
        return whole ? file.toString() : file + " bytes " + offset + "-" + (offset + length - 1);
    }
}
