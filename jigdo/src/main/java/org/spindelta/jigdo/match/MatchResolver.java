package org.spindelta.jigdo.match;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses, among verified matches that may overlap, the ones a template refers to: the set of
 * non-overlapping matches covering the most image bytes (weighted interval scheduling, O(n log n)), and of
 * sets covering as many, the one with the fewest matches. So a large file always wins over the smaller
 * files inside it (together they cover at most its bytes, with more entries), which jigdo-file's default
 * greedy matching gets wrong (reference jigdo.md section 3: a 146 MB file left in the template because two
 * small files inside it matched first); and where matches overlap without containing one another, the
 * bytes decide, not the order they were found in.
 *
 * <p>Deterministic: the result depends only on the set of matches, never on the order they come in.
 */
public final class MatchResolver {
    private MatchResolver() {}

    /** The chosen matches, in image order, not overlapping. */
    public static List<RollingScanner.Match> resolve(List<RollingScanner.Match> matches) {
        int n = matches.size();
        if (n == 0) {
            return List.of();
        }
        RollingScanner.Match[] m = matches.toArray(RollingScanner.Match[]::new);
        Arrays.sort(m, Comparator.comparingLong(RollingScanner.Match::end)
                .thenComparingLong(RollingScanner.Match::offset)
                .thenComparingInt(x -> x.head().order()));
        long[] ends = new long[n];
        for (int i = 0; i < n; i++) {
            ends[i] = m[i].end();
        }
        // best[i+1] = best over m[0..i]: bytes covered, then matches used (fewer is better)
        long[] bytes = new long[n + 1];
        int[] count = new int[n + 1];
        boolean[] take = new boolean[n];
        int[] previous = new int[n];
        for (int i = 0; i < n; i++) {
            int p = lastEndingBy(ends, i, m[i].offset()); // matches 0..p end at or before m[i] starts
            previous[i] = p;
            long withBytes = bytes[p + 1] + m[i].length();
            int withCount = count[p + 1] + 1;
            if (withBytes > bytes[i] || (withBytes == bytes[i] && withCount < count[i])) {
                bytes[i + 1] = withBytes;
                count[i + 1] = withCount;
                take[i] = true;
            } else {
                bytes[i + 1] = bytes[i];
                count[i + 1] = count[i];
            }
        }
        List<RollingScanner.Match> chosen = new ArrayList<>();
        for (int i = n - 1; i >= 0; ) {
            if (take[i]) {
                chosen.add(m[i]);
                i = previous[i];
            } else {
                i--;
            }
        }
        java.util.Collections.reverse(chosen);
        return chosen;
    }

    /** The last index below {@code below} whose end is at most {@code offset}, or -1. */
    private static int lastEndingBy(long[] ends, int below, long offset) {
        int lo = 0;
        int hi = below - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] <= offset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
