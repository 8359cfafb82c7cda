package org.spindelta.bsdiff.generate;

import java.util.Arrays;

/**
 * bsdiff 4.3's scan (bsdiff.c, main loop) over one window of NEW against a {@link MatchIndex}:
 * find an exact match that beats the current alignment by more than 8 bytes, extend the previous
 * alignment forward and the new one backward approximately (maximising 2·matches − length),
 * resolve their overlap, and emit one control entry per step.
 *
 * <p>Guard against the known pathology (bsdiff 4.3 running for hours on repetitive data, fixed in
 * ChromeOS bsdiff by bailing out): when long matches keep being found without beating the current
 * alignment, the scan accepts the match after {@link #STUCK_LIMIT} tries instead of searching at every
 * byte of a long repetitive run.
 */
final class BsdiffScan {
    /** bsdiff.c: a new match must beat the current alignment by more than this many bytes. */
    static final int MIN_GAIN = 8;
    /** A match this long counts as "long" for the pathology guard. */
    static final int STUCK_LENGTH = 32;
    /** Searches with a long match that do not beat the alignment, in a row, before the scan gives in. */
    static final int STUCK_LIMIT = 64;

    /** An exact segment this long is taken as the match without asking the suffix array. */
    static final int TRUSTED_SEGMENT = 64;

    private final MatchIndex index;
    private final OldRegion region;
    private final ExactSegments segments;
    private final int minMatch;
    private final int[] posOut = new int[1];
    private final int[] segPos = new int[1];

    BsdiffScan(MatchIndex index, OldRegion region) {
        this(index, region, null, 0);
    }

    /**
     * @param segments exact matches in the region's anchored part, or null when everything is sorted
     * @param minMatch shortest match taken as a new alignment (see {@link DiffOptions#minMatch()})
     */
    BsdiffScan(MatchIndex index, OldRegion region, ExactSegments segments, int minMatch) {
        this.index = index;
        this.region = region;
        this.segments = segments;
        this.minMatch = minMatch;
    }

    /**
     * Diffs {@code nw[newStart..newEnd)} and appends records and bytes to {@code out}; {@code nw}
     * positions are relative to the window buffer, so {@code newStart} is usually 0.
     */
    void scan(byte[] nw, int newStart, int newEnd, WindowResult out) {
        final byte[] old = index.text();
        final int oldSize = region.length(); // the suffix array may cover only a prefix of it
        int scan = newStart;
        int len = 0;
        int pos = 0;
        int lastscan = newStart;
        int lastpos = 0;
        long lastoffset = -newStart; // start aligned: window start against region start

        while (scan < newEnd) {
            int oldscore = 0;
            int stuck = 0;
            scan += len;
            for (int scsc = scan; scan < newEnd; scan++) {
                int seg = segments == null ? 0 : segments.lengthAt(scan, segPos);
                boolean located;
                if (seg >= TRUSTED_SEGMENT) {
                    len = seg;
                    pos = segPos[0];
                    located = true;
                } else {
                    len = index.quickLength(nw, scan, newEnd);
                    located = len < 0;
                    if (located) {
                        len = index.search(nw, scan, newEnd, posOut);
                        pos = posOut[0];
                    }
                    if (seg > len) {
                        len = seg;
                        pos = segPos[0];
                        located = true;
                    }
                }
                if (scsc < scan + len) {
                    // bytes of the current alignment that agree over the match; only where OLD has them
                    long from = Math.max(scsc, -lastoffset);
                    long to = Math.min(scan + len, oldSize - lastoffset);
                    if (from < to) {
                        oldscore += countEqual(nw, (int) from, old, (int) (from + lastoffset), (int) (to - from));
                    }
                    scsc = scan + len;
                }
                if (((len == oldscore && len != 0) || len > oldscore + MIN_GAIN) && (len >= minMatch
                        || len == oldscore)) {
                    // An unlocated length is below 4 (quickLength), too short to beat the alignment by
                    // MIN_GAIN, so here len == oldscore: the alignment is kept and pos is not read.
                    break;
                }
                if (len >= STUCK_LENGTH) {
                    if (++stuck >= STUCK_LIMIT) {
                        break;
                    }
                } else {
                    stuck = 0;
                }
                long o = scan + lastoffset;
                if (o >= 0 && o < oldSize && old[(int) o] == nw[scan]) {
                    oldscore--;
                }
            }

            if (len != oldscore || scan == newEnd) {
                // forward extension of the previous alignment
                // bsdiff.c steps byte by byte keeping the best 2·matches − length; that score falls at every
                // mismatch and rises through a run of equal bytes, so only ends of runs can be best
                long s = 0;
                long sf = 0;
                int lenf = 0;
                int limit = Math.min(scan - lastscan, oldSize - lastpos);
                for (int i = 0; i < limit; ) {
                    if (old[lastpos + i] != nw[lastscan + i]) {
                        i++;
                        continue;
                    }
                    int run = equalRun(old, lastpos + i, nw, lastscan + i, limit - i);
                    s += run;
                    i += run;
                    if (s * 2 - i > sf * 2 - lenf) {
                        sf = s;
                        lenf = i;
                    }
                }
                // backward extension of the new match
                int lenb = 0;
                if (scan < newEnd) {
                    s = 0;
                    long sb = 0;
                    for (int i = 1; scan >= lastscan + i && pos >= i; i++) {
                        if (old[pos - i] == nw[scan - i]) {
                            s++;
                        }
                        if (s * 2 - i > sb * 2 - lenb) {
                            sb = s;
                            lenb = i;
                        }
                    }
                }
                // the two extensions overlap: split where the forward one stops paying
                if (lastscan + lenf > scan - lenb) {
                    int overlap = (lastscan + lenf) - (scan - lenb);
                    s = 0;
                    long ss = 0;
                    int lens = 0;
                    for (int i = 0; i < overlap; i++) {
                        if (nw[lastscan + lenf - overlap + i] == old[lastpos + lenf - overlap + i]) {
                            s++;
                        }
                        if (nw[scan - lenb + i] == old[pos - lenb + i]) {
                            s--;
                        }
                        if (s > ss) {
                            ss = s;
                            lens = i + 1;
                        }
                    }
                    lenf += lens - overlap;
                    lenb -= lens;
                }
                emit(nw, lastscan, lastpos, lenf, (scan - lenb) - (lastscan + lenf), out);
                lastscan = scan - lenb;
                lastpos = pos - lenb;
                lastoffset = (long) pos - scan;
            }
        }
    }

    /** How many of a[aFrom..+n) equal b[bFrom..+n), position by position; equal runs are skipped vectorized. */
    static int countEqual(byte[] a, int aFrom, byte[] b, int bFrom, int n) {
        int count = 0;
        for (int i = 0; i < n; ) {
            if (a[aFrom + i] != b[bFrom + i]) {
                i++;
                continue;
            }
            int run = equalRun(a, aFrom + i, b, bFrom + i, n - i);
            count += run;
            i += run + 1; // the byte after the run differs (or is past n)
        }
        return count;
    }

    /** Length of the equal prefix of a[aFrom..+n) and b[bFrom..+n). */
    private static int equalRun(byte[] a, int aFrom, byte[] b, int bFrom, int n) {
        int m = Arrays.mismatch(a, aFrom, aFrom + n, b, bFrom, bFrom + n);
        return m < 0 ? n : m;
    }

    /** Records new[lastscan..+lenf) as a diff against region[lastpos..], then {@code extra} literal bytes. */
    private void emit(byte[] nw, int lastscan, int lastpos, int lenf, int extra, WindowResult out) {
        if (lenf == 0 && extra == 0) {
            return; // records carry absolute old positions, so bsdiff's empty seek-only triples are not needed
        }
        byte[] old = index.text();
        byte[] data = out.data();
        int d = out.dataFill();
        for (int i = 0; i < lenf; i++) {
            data[d + i] = (byte) (nw[lastscan + i] - old[lastpos + i]);
        }
        System.arraycopy(nw, lastscan + lenf, data, d + lenf, extra);
        out.advanceData(lenf + extra);
        if (lenf == 0) {
            out.add(0, extra, 0);
            return;
        }
        // one record per region range the diff crosses; extra bytes go with the last piece
        int v = lastpos;
        int left = lenf;
        while (left > 0) {
            int r = region.rangeOf(v);
            int piece = Math.min(left, region.virtualEnd(r) - v);
            left -= piece;
            out.add(piece, left == 0 ? extra : 0, region.absolute(r, v));
            v += piece;
        }
    }
}
