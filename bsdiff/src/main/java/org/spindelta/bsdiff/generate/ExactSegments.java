package org.spindelta.bsdiff.generate;

import java.util.Arrays;
import java.util.List;

/**
 * Exact matches between a window of NEW and the anchored ranges of its {@link OldRegion}, found by
 * walking each alignment the coarse index reported and comparing bytes (so anchors that were only
 * fingerprint collisions yield nothing). The scan asks {@link #lengthAt} at increasing positions; a
 * segment gives the match length and position that a suffix-array search over those bytes would,
 * without sorting them.
 */
final class ExactSegments {
    /** Shorter equal stretches are left to the suffix-sorted neighbourhoods. */
    static final int MIN_LENGTH = 32;

    private int[] start = new int[64];
    private int[] end = new int[64];
    private int[] virt = new int[64];
    private int count;
    private int cursor;

    /**
     * @param nw the window's bytes; positions in it are window-relative
     * @param windowStart absolute NEW position of {@code nw[0]}
     * @param alignments {newFrom, newTo, diagonal} in absolute NEW positions
     */
    static ExactSegments find(byte[] nw, int windowLength, long windowStart, List<long[]> alignments, OldRegion region,
            byte[] old) {
        ExactSegments s = new ExactSegments();
        for (long[] a : alignments) {
            // anchors mark 64-byte blocks; equal bytes may begin a block earlier and end a block later
            long from = Math.max(windowStart, a[0] - GearHash.SPAN);
            long to = Math.min(windowStart + windowLength, a[1] + GearHash.SPAN);
            long diagonal = a[2];
            long x = from;
            while (x < to) {
                int[] loc = region.locateAnchored(x + diagonal);
                if (loc == null) {
                    x++;
                    continue;
                }
                int n = (int) (x - windowStart);
                int v = loc[0];
                int span = (int) Math.min(to - x, loc[1]);
                s.collect(nw, n, old, v, span);
                x += span;
            }
        }
        s.normalize();
        return s;
    }

    /** Records the maximal equal stretches of at least MIN_LENGTH in nw[n..n+span) vs old[v..v+span). */
    private void collect(byte[] nw, int n, byte[] old, int v, int span) {
        int i = 0;
        while (i < span) {
            int mm = Arrays.mismatch(nw, n + i, n + span, old, v + i, v + span);
            int equal = mm < 0 ? span - i : mm;
            if (equal >= MIN_LENGTH) {
                add(n + i, n + i + equal, v + i);
            }
            i += equal + 1;
        }
    }

    private void add(int s, int e, int v) {
        if (count == start.length) {
            start = Arrays.copyOf(start, count * 2);
            end = Arrays.copyOf(end, count * 2);
            virt = Arrays.copyOf(virt, count * 2);
        }
        start[count] = s;
        end[count] = e;
        virt[count] = v;
        count++;
    }

    /** Sorts by start and trims overlaps, keeping the segment that reaches further. */
    private void normalize() {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> start[a] != start[b] ? Integer.compare(start[a], start[b])
                : Integer.compare(end[b], end[a]));
        int[] s = new int[count];
        int[] e = new int[count];
        int[] v = new int[count];
        int k = 0;
        for (Integer o : order) {
            int os = start[o];
            int oe = end[o];
            int ov = virt[o];
            if (k > 0 && os < e[k - 1]) {
                if (oe <= e[k - 1]) {
                    continue; // inside the previous one
                }
                int cut = e[k - 1] - os; // keep only the part past the previous segment
                os += cut;
                ov += cut;
            }
            s[k] = os;
            e[k] = oe;
            v[k] = ov;
            k++;
        }
        start = s;
        end = e;
        virt = v;
        count = k;
    }

    /**
     * The exact match at window position {@code scan}, for non-decreasing {@code scan}.
     *
     * @param pos receives the virtual OLD position at index 0
     * @return the match length, 0 if no segment covers {@code scan}
     */
    int lengthAt(int scan, int[] pos) {
        while (cursor < count && end[cursor] <= scan) {
            cursor++;
        }
        if (cursor < count && start[cursor] <= scan) {
            pos[0] = virt[cursor] + (scan - start[cursor]);
            return end[cursor] - scan;
        }
        return 0;
    }
}
