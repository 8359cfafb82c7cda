package org.spindelta.jigdo.rebuild;

/**
 * An inclusive range of image bytes, as HTTP writes it ({@code bytes=START-END}, RFC 9110 section 14.1.2).
 *
 * @param first the first byte
 * @param last the last byte, {@code >= first}
 */
public record ByteRange(long first, long last) {
    public ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("range " + first + "-" + last + ": need 0 <= START <= END");
        }
    }

    /** Parses {@code START-END}. */
    public static ByteRange parse(String text) {
        int dash = text.indexOf('-');
        try {
            if (dash <= 0 || dash == text.length() - 1) {
                throw new NumberFormatException();
            }
            return new ByteRange(Long.parseLong(text.substring(0, dash)), Long.parseLong(text.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("range '" + text + "' is not START-END with byte offsets, e.g. 0-1023");
        }
    }

    public long length() {
        return last - first + 1;
    }

    /**
     * @throws IllegalArgumentException if the range does not lie inside an image of {@code imageLength} bytes
     */
    public void checkWithin(long imageLength) {
        if (last >= imageLength) {
            throw new IllegalArgumentException("range " + first + "-" + last + " ends past the image's last byte "
                    + (imageLength - 1));
        }
    }
}
