package org.spindelta.core;

import java.util.Locale;

/**
 * Parses and prints byte counts the way users type them: {@code 512M}, {@code 1G}, {@code 1.5GiB},
 * {@code 4096}. Suffixes are binary (K = 1024), as in {@code --memory} options of xz and zstd.
 */
public final class ByteSize {
    private static final String UNITS = "KMGTPE";

    private ByteSize() {}

    /**
     * @throws IllegalArgumentException if {@code text} is not a non-negative number with an
     *     optional K/M/G/T suffix (optionally followed by {@code B} or {@code iB}), or overflows a long
     */
    public static long parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.endsWith("IB")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("B")) {
            s = s.substring(0, s.length() - 1);
        }
        int shift = 0;
        if (!s.isEmpty()) {
            int unit = UNITS.indexOf(s.charAt(s.length() - 1));
            if (unit >= 0) {
                shift = 10 * (unit + 1);
                s = s.substring(0, s.length() - 1);
            }
        }
        try {
            if (s.isEmpty() || s.startsWith("-") || s.startsWith("+")) {
                throw new NumberFormatException();
            }
            double value = Double.parseDouble(s);
            double bytes = Math.scalb(value, shift);
            if (!(bytes >= 0) || bytes >= 0x1p63) {
                throw new NumberFormatException();
            }
            return (long) bytes;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a size: expected a number with an optional K, M, G or T suffix, e.g. 512M");
        }
    }

    /** A short human form such as {@code 1.5 GiB} or {@code 812 B}. */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = 0;
        double v = bytes;
        while (v >= 1024 && unit < UNITS.length()) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %siB" : "%.1f %siB", v, UNITS.charAt(unit - 1));
    }
}
