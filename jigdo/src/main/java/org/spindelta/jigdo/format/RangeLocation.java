package org.spindelta.jigdo.format;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code [Parts]} location naming bytes inside a larger file rather than a whole file, spindelta's
 * extension for templates made against a base image ({@code make-template --base}): the part is
 * {@code Label:path#bytes=FIRST-LAST}, bytes FIRST to LAST inclusive of the file the rest names, as in an
 * HTTP Range header, so a network client can fetch it with one. jigdo-file reads such a {@code .jigdo}
 * but finds no file of that name: these parts come from the base image, through spindelta.
 *
 * @param file the location without its range: {@code Label:path} or a URI
 * @param first the first byte of the part in that file
 * @param length the part's length, positive
 */
public record RangeLocation(String file, long first, long length) {
    private static final String MARK = "#bytes=";
    private static final Pattern RANGE = Pattern.compile("#bytes=(\\d{1,18})-(\\d{1,18})$");

    public RangeLocation {
        if (first < 0 || length <= 0 || first > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("byte range " + first + "+" + length);
        }
    }

    /** One past the last byte. */
    public long end() {
        return first + length;
    }

    /** The location as written to {@code [Parts]}. */
    @Override
    public String toString() {
        return file + MARK + first + "-" + (end() - 1);
    }

    /** The range a location names, or empty for a whole-file location (or a malformed or empty range). */
    public static Optional<RangeLocation> parse(String location) {
        Matcher m = RANGE.matcher(location);
        if (!m.find()) {
            return Optional.empty();
        }
        long first = Long.parseLong(m.group(1));
        long last = Long.parseLong(m.group(2));
        if (last < first) {
            return Optional.empty();
        }
        return Optional.of(new RangeLocation(location.substring(0, m.start()), first, last - first + 1));
    }
}
