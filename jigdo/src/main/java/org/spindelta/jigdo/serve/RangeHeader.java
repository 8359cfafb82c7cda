package org.spindelta.jigdo.serve;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.spindelta.jigdo.rebuild.ByteRange;

/**
 * A {@code Range} request header field read against a representation of known length, as RFC 9110
 * section 14 describes: {@code bytes=} followed by a comma-separated list of {@code FIRST-LAST},
 * {@code FIRST-} and {@code -SUFFIX} specs.
 *
 * <ul>
 *   <li>An invalid header (another unit, bad syntax, a {@code LAST} below its {@code FIRST}) is ignored: the
 *       whole representation is sent (section 14.2, "a server MAY ignore ... an invalid ranges-specifier").
 *   <li>Specs that start past the end, and {@code -0}, are unsatisfiable; when all are, the answer is 416
 *       with {@code Content-Range: bytes *}{@code /LENGTH} (section 15.5.17). A {@code LAST} past the end is
 *       cut to the last byte.
 *   <li>More than {@value #MAX_SPECS} specs are ignored as abuse (section 14.2 allows it; Apache's
 *       {@code MaxRanges} does the same). When any two satisfiable ranges overlap or lie within
 *       {@value #COALESCE_GAP} bytes of each other, all are sorted and merged (section 14.6 allows
 *       coalescing "regardless of the order"), so {@code bytes=0-,0-,0-} cannot multiply the bytes sent;
 *       otherwise they keep the client's order.
 * </ul>
 */
public final class RangeHeader {
    /** Specs in one header beyond which the header is ignored (one 8 KiB header line holds ~1,000). */
    public static final int MAX_SPECS = 100;
    /**
     * Ranges closer than this are merged: about the overhead of one more multipart part (boundary line,
     * Content-Type and Content-Range lines), the figure RFC 9110 section 14.6 gives.
     */
    public static final int COALESCE_GAP = 80;

    private RangeHeader() {}

    /** What a request's {@code Range} field asks for. */
    public sealed interface Request permits Whole, Ranges, Unsatisfiable {}

    /** No (usable) {@code Range} field: send the whole representation, 200. */
    public record Whole() implements Request {}

    /**
     * Send these ranges, 206: one as a plain body with {@code Content-Range}, several as
     * {@code multipart/byteranges}.
     *
     * @param ranges at least one, none overlapping, each inside the representation
     */
    public record Ranges(List<ByteRange> ranges) implements Request {
        public Ranges {
            ranges = List.copyOf(ranges);
            if (ranges.isEmpty()) {
                throw new IllegalArgumentException("no ranges");
            }
        }
    }

    /** A valid {@code Range} field none of whose ranges lies inside the representation: 416. */
    public record Unsatisfiable() implements Request {}

    /**
     * Reads {@code field} (null when the request has none) against a representation of {@code length} bytes.
     */
    public static Request parse(String field, long length) {
        if (field == null) {
            return new Whole();
        }
        int eq = field.indexOf('=');
        if (eq < 0 || !field.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
            return new Whole(); // another unit, or not a ranges-specifier at all
        }
        List<ByteRange> satisfiable = new ArrayList<>();
        int specs = 0;
        for (String element : field.substring(eq + 1).split(",", -1)) {
            String spec = element.strip();
            if (spec.isEmpty()) {
                continue; // a list may hold empty elements (RFC 9110 section 5.6.1)
            }
            if (++specs > MAX_SPECS) {
                return new Whole();
            }
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return new Whole();
            }
            String a = spec.substring(0, dash);
            String b = spec.substring(dash + 1);
            if (a.isEmpty()) { // suffix: the last N bytes
                long n = digits(b);
                if (n < 0) {
                    return new Whole();
                }
                if (n > 0 && length > 0) {
                    satisfiable.add(new ByteRange(Math.max(0, length - n), length - 1));
                }
                continue;
            }
            long first = digits(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : digits(b);
            if (first < 0 || last < 0 || last < first) {
                return new Whole();
            }
            if (first < length) {
                satisfiable.add(new ByteRange(first, Math.min(last, length - 1)));
            }
        }
        if (specs == 0) {
            return new Whole();
        }
        if (satisfiable.isEmpty()) {
            return new Unsatisfiable();
        }
        return new Ranges(needsCoalescing(satisfiable) ? coalesce(satisfiable) : satisfiable);
    }

    /** A run of ASCII digits as a number, saturating at {@link Long#MAX_VALUE}; -1 if not only digits. */
    private static long digits(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean needsCoalescing(List<ByteRange> ranges) {
        List<ByteRange> sorted = sorted(ranges);
        for (int i = 1; i < sorted.size(); i++) {
            if (close(sorted.get(i - 1), sorted.get(i))) {
                return true;
            }
        }
        return false;
    }

    private static List<ByteRange> coalesce(List<ByteRange> ranges) {
        List<ByteRange> out = new ArrayList<>();
        ByteRange cur = null;
        for (ByteRange r : sorted(ranges)) {
            if (cur != null && close(cur, r)) {
                cur = new ByteRange(cur.first(), Math.max(cur.last(), r.last()));
            } else {
                if (cur != null) {
                    out.add(cur);
                }
                cur = r;
            }
        }
        out.add(cur);
        return out;
    }

    /** {@code b} starts no more than {@link #COALESCE_GAP} bytes after {@code a} ends (a before b). */
    private static boolean close(ByteRange a, ByteRange b) {
        return b.first() - a.last() - 1 <= COALESCE_GAP;
    }

    private static List<ByteRange> sorted(List<ByteRange> ranges) {
        List<ByteRange> s = new ArrayList<>(ranges);
        s.sort(Comparator.comparingLong(ByteRange::first));
        return s;
    }
}
