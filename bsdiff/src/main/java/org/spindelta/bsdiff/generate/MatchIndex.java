package org.spindelta.bsdiff.generate;

import java.util.Arrays;
import org.spindelta.bsdiff.sort.SuffixSorter;

/**
 * A suffix array over (a region of) OLD with a table of 2-byte buckets, answering "longest prefix
 * of new[scan..end) that occurs in old, and where" (bsdiff.c's {@code search}). Improvements over
 * bsdiff 4.3, which change speed but not results: the bucket table skips the first 16 binary-search
 * steps; comparisons resume from the common prefix of the two bounds (Manber–Myers); and the
 * longest match seen at any probe is kept (clearlinux/bsdiff PR #6), not just the final pair.
 *
 * <p>Most positions of a window that holds new content have no match longer than 3 bytes, yet
 * bsdiff's scan needs the exact length at every one. {@link #quickLength} answers those without
 * touching the suffix array: exact 1-, 2- and 3-gram presence (bucket table and a 2 MiB bitmap) and
 * a hashed 4-gram filter that proves "no match of 4 or more" for most of them.
 *
 * <p>Memory: the text, 4 bytes per byte of SA, half a byte per byte of 4-gram filter, plus 2.25 MiB.
 * Arrays are supplied by the caller ({@link Tables}) so a worker reuses them across windows.
 * Searching is thread-safe once built.
 */
final class MatchIndex {
    /** Number of 2-byte prefixes, plus one end entry. */
    static final int BUCKETS = 1 << 16;

    /** Bits of the exact 3-gram bitmap. */
    static final int GRAM3_BITS = 24;
    /** The 4-gram filter has this many bits per indexed byte (about 1 in 8 bits set: few false "maybe"s). */
    static final int GRAM4_BITS_PER_BYTE = 4;
    static final int GRAM4_MIN_LOG = 16;
    static final int GRAM4_MAX_LOG = 31;

    private final byte[] old;
    private final int length;
    private final int[] sa;
    private final int[] bucket;
    private final long[] gram3;
    private final long[] gram4;
    private final int gram4Shift;

    private MatchIndex(byte[] old, int length, Tables t, int gram4Log) {
        this.old = old;
        this.length = length;
        this.sa = t.sa;
        this.bucket = t.bucket;
        this.gram3 = t.gram3;
        this.gram4 = t.gram4;
        this.gram4Shift = 32 - gram4Log;
    }

    /** A worker's reusable arrays, sized for regions of up to {@code capacity} bytes. */
    static final class Tables {
        final int[] sa;
        final int[] bucket = new int[BUCKETS + 1];
        final long[] gram3 = new long[1 << (GRAM3_BITS - 6)];
        final long[] gram4;

        Tables(int capacity) {
            sa = new int[capacity];
            gram4 = new long[Math.max(1, (int) (gram4Bits(capacity) >>> 6))];
        }

        static long bytesFor(long capacity) {
            return 4 * capacity + gram4Bits(capacity) / 8 + (4L << 16) + (1L << (GRAM3_BITS - 3));
        }
    }

    private static int gram4Log(long length) {
        long want = Math.max(1, length) * GRAM4_BITS_PER_BYTE;
        int log = 64 - Long.numberOfLeadingZeros(want - 1);
        return Math.max(GRAM4_MIN_LOG, Math.min(GRAM4_MAX_LOG, log));
    }

    private static long gram4Bits(long length) {
        return 1L << gram4Log(length);
    }

    /** Sorts {@code old[0..length)} and builds the bucket table and gram filters in {@code t}. */
    static MatchIndex build(byte[] old, int length, Tables t) {
        int log = Math.min(gram4Log(length), 63 - Long.numberOfLeadingZeros((long) t.gram4.length << 6));
        MatchIndex m = new MatchIndex(old, length, t, log);
        SuffixSorter.sort(old, length, t.sa);
        int[] bucket = t.bucket;
        Arrays.fill(bucket, 0);
        // key of the suffix at i: its first two bytes; the 1-byte suffix at length-1 sorts first in its
        // byte's range, so it shares the key of (b, 0) and sits at that bucket's start
        for (int i = 0; i + 1 < length; i++) {
            bucket[((old[i] & 0xFF) << 8 | (old[i + 1] & 0xFF)) + 1]++;
        }
        if (length > 0) {
            bucket[((old[length - 1] & 0xFF) << 8) + 1]++;
        }
        for (int k = 1; k <= BUCKETS; k++) {
            bucket[k] += bucket[k - 1];
        }
        Arrays.fill(t.gram3, 0);
        int words4 = (int) ((1L << log) >>> 6);
        Arrays.fill(t.gram4, 0, Math.max(1, words4), 0);
        for (int i = 0; i + 3 <= length; i++) {
            int g = (old[i] & 0xFF) << 16 | (old[i + 1] & 0xFF) << 8 | (old[i + 2] & 0xFF);
            t.gram3[g >>> 6] |= 1L << g;
            if (i + 4 <= length) {
                int h = m.hash4(g << 8 | (old[i + 3] & 0xFF));
                t.gram4[h >>> 6] |= 1L << h;
            }
        }
        return m;
    }

    private int hash4(int fourBytes) {
        return (fourBytes * 0x9E3779B1) >>> gram4Shift;
    }

    /**
     * The exact length of the longest match of {@code nw[scan..end)} in old when it is below 4, or
     * -1 when a match of 4 or more may exist (then call {@link #search}).
     */
    int quickLength(byte[] nw, int scan, int end) {
        int remaining = end - scan;
        if (length == 0 || remaining <= 0) {
            return 0;
        }
        int b0 = nw[scan] & 0xFF;
        if (bucket[b0 << 8] == bucket[(b0 + 1) << 8]) {
            return 0;
        }
        if (remaining == 1) {
            return 1;
        }
        int k2 = b0 << 8 | (nw[scan + 1] & 0xFF);
        int lo = bucket[k2];
        if (k2 == b0 << 8 && lo < bucket[k2 + 1] && sa[lo] == length - 1) {
            lo++;
        }
        if (lo == bucket[k2 + 1]) {
            return 1;
        }
        if (remaining == 2) {
            return 2;
        }
        int g = k2 << 8 | (nw[scan + 2] & 0xFF);
        if ((gram3[g >>> 6] & (1L << g)) == 0) {
            return 2;
        }
        if (remaining == 3) {
            return 3;
        }
        int h = hash4(g << 8 | (nw[scan + 3] & 0xFF));
        if ((gram4[h >>> 6] & (1L << h)) == 0) {
            return 3;
        }
        return -1;
    }

    byte[] text() {
        return old;
    }

    int length() {
        return length;
    }

    /**
     * Longest match of {@code nw[scan..end)} in old.
     *
     * @param pos receives the match's position in old at index 0 (0 when there is no match)
     * @return the match length, 0 when not even the first byte occurs
     */
    int search(byte[] nw, int scan, int end, int[] pos) {
        int remaining = end - scan;
        pos[0] = 0;
        if (remaining <= 0 || length == 0) {
            return 0;
        }
        int b0 = nw[scan] & 0xFF;
        int lo;
        int hi;
        if (remaining >= 2) {
            int key = b0 << 8 | (nw[scan + 1] & 0xFF);
            lo = bucket[key];
            hi = bucket[key + 1];
            if (key == b0 << 8 && lo < hi && sa[lo] == length - 1) {
                lo++; // the lone last byte shares this bucket but only one byte with the query
            }
        } else {
            lo = hi = 0;
        }
        if (lo >= hi) {
            int a = bucket[b0 << 8];
            int b = bucket[(b0 + 1) << 8];
            if (a < b) {
                pos[0] = sa[a];
                return 1;
            }
            return 0;
        }
        return searchRange(nw, scan, remaining, lo, hi, pos);
    }

    private int searchRange(byte[] nw, int scan, int remaining, int lo, int hi, int[] pos) {
        int bestLen = 0;
        int bestPos = sa[lo];
        int l = lo;
        int r = hi;
        int lcpLeft = 2; // every suffix in [lo, hi) starts with the query's first two bytes
        int lcpRight = 2;
        while (l < r) {
            int m = (l + r) >>> 1;
            int p = sa[m];
            int max = Math.min(length - p, remaining);
            int start = Math.min(lcpLeft, lcpRight);
            int lcp;
            if (start >= max) {
                lcp = max;
            } else {
                int mm = Arrays.mismatch(old, p + start, p + max, nw, scan + start, scan + max);
                lcp = mm < 0 ? max : start + mm;
            }
            if (lcp > bestLen) {
                bestLen = lcp;
                bestPos = p;
                if (lcp == remaining) {
                    break; // cannot do better than the whole rest of new
                }
            }
            boolean suffixLess = lcp == max ? length - p < remaining : (old[p + lcp] & 0xFF) < (nw[scan + lcp] & 0xFF);
            if (suffixLess) {
                l = m + 1;
                lcpLeft = lcp;
            } else {
                r = m;
                lcpRight = lcp;
            }
        }
        pos[0] = bestPos;
        return bestLen;
    }
}
