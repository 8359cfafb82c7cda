package org.spindelta.bsdiff.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the anchor hits of one window (pairs of NEW and OLD positions whose 64-byte blocks match)
 * into the ranges of OLD to suffix-sort, within a byte budget. Hits on one diagonal (OLD − NEW
 * offset, allowing small drift) form runs; a run's own OLD span comes first (most hits first), then
 * padding around each run, reaching toward its neighbours in NEW (at most {@link #PAD} bytes a side)
 * so bsdiff's approximate extension has the OLD bytes it needs; a window without hits projects onto
 * the last diagonal seen, which serves similar-but-not-identical data.
 *
 * <p>Why the padding is capped: in compressed images a gap between runs is new compressed data
 * that matches nothing; projecting the whole gap onto OLD only makes the suffix sort larger (it
 * doubled the sorted bytes on a real localized spin). Similar uncompressed data keeps anchors every
 * few hundred bytes, so its runs stay joined and need no long projections.
 */
final class RegionChooser {
    /** Hits whose diagonals differ by at most this much join one run (small insertions, edits). */
    static final long DIAGONAL_DRIFT = 4096;
    /** Padding of OLD added on each side of a run, toward its neighbours in NEW. */
    static final long PAD = 64 << 10;

    private final long oldSize;
    private final long budget;
    private long lastDiagonal;

    // the window's hits, reused
    private long[] hitNew = new long[1024];
    private long[] hitOld = new long[1024];
    private int hits;

    RegionChooser(long oldSize, long budget) {
        this.oldSize = oldSize;
        this.budget = budget;
    }

    void addHit(long newPos, long oldPos) {
        if (hits == hitNew.length) {
            hitNew = Arrays.copyOf(hitNew, hits * 2);
            hitOld = Arrays.copyOf(hitOld, hits * 2);
        }
        hitNew[hits] = newPos;
        hitOld[hits] = oldPos;
        hits++;
    }

    /** The diagonal a candidate should be judged against (continuity picks among duplicates). */
    long currentDiagonal() {
        return hits > 0 ? hitOld[hits - 1] - hitNew[hits - 1] : lastDiagonal;
    }

    /**
     * Chooses OLD for window [start, end) from the hits added since the last call, and resets.
     * Run spans become anchored ranges (loaded, matched along their alignments, not suffix-sorted);
     * padding and projections become indexed ranges (suffix-sorted). Both share one budget.
     */
    Choice choose(long start, long end) {
        List<Run> runs = new ArrayList<>();
        Run cur = null;
        List<long[]> pieces = new ArrayList<>();
        long[] piece = null;
        for (int i = 0; i < hits; i++) {
            long d = hitOld[i] - hitNew[i];
            if (cur == null || Math.abs(d - cur.lastDiagonal) > DIAGONAL_DRIFT) {
                cur = new Run(hitNew[i], d, runs.size());
                runs.add(cur);
            }
            cur.extend(hitNew[i], d);
            // one alignment per stretch of hits on one diagonal, however far apart: anchors are sparse on
            // large OLDs (every 2 KiB at 4 GiB), and ExactSegments verifies every byte between them anyway
            if (piece == null || piece[2] != d) {
                piece = new long[] {hitNew[i], hitNew[i] + GearHash.SPAN, d};
                pieces.add(piece);
            } else {
                piece[1] = hitNew[i] + GearHash.SPAN;
            }
        }
        hits = 0;

        RangeSet anchored = new RangeSet();
        RangeSet indexed = new RangeSet();
        if (runs.isEmpty()) {
            indexed.addWithin(start + lastDiagonal, end + lastDiagonal, oldSize, budget);
            return new Choice(indexed.ranges(), List.of(), List.of());
        }
        lastDiagonal = runs.get(runs.size() - 1).lastDiagonal;

        // tier 1: each run's own span, strongest first
        List<Run> byWeight = new ArrayList<>(runs);
        byWeight.sort(Comparator.comparingLong((Run r) -> r.count).reversed());
        for (Run r : byWeight) {
            anchored.addWithin(r.newFirst + r.firstDiagonal - GearHash.SPAN,
                    r.newLast + 2 * GearHash.SPAN + r.lastDiagonal, oldSize, budget);
        }
        // tier 2: extend each run toward its neighbours in NEW, along its own diagonal
        RangeSet chosen = indexed;
        long tier2Budget = budget - anchored.total();
        for (Run r : byWeight) {
            int i = r.order;
            long before = Math.max(r.newFirst - PAD, i == 0 ? start : runs.get(i - 1).newLast + GearHash.SPAN);
            long after = Math.min(r.newLast + GearHash.SPAN + PAD, i == runs.size() - 1 ? end : runs.get(i + 1).newFirst);
            chosen.addWithin(Math.min(before, r.newFirst) + r.firstDiagonal, r.newFirst + r.firstDiagonal, oldSize,
                    tier2Budget);
            chosen.addWithin(r.newLast + GearHash.SPAN + r.lastDiagonal, Math.max(after, r.newLast + GearHash.SPAN)
                    + r.lastDiagonal, oldSize, tier2Budget);
        }
        return new Choice(indexed.ranges(), anchored.ranges(), pieces);
    }

    /**
     * The OLD one window needs.
     *
     * @param indexed ranges to suffix-sort (sorted, disjoint)
     * @param anchored ranges holding the runs, matched along {@code alignments} (sorted, disjoint; may
     *     overlap {@code indexed})
     * @param alignments {newFrom, newTo, diagonal}: over NEW [newFrom, newTo) the matching OLD byte
     *     is at NEW position + diagonal, as the anchors say (to be verified byte by byte)
     */
    record Choice(List<long[]> indexed, List<long[]> anchored, List<long[]> alignments) {}

    private static final class Run {
        final long newFirst;
        final long firstDiagonal;
        final int order;
        long newLast;
        long lastDiagonal;
        long count;

        Run(long newPos, long diagonal, int order) {
            this.order = order;
            newFirst = newPos;
            firstDiagonal = diagonal;
            lastDiagonal = diagonal;
        }

        void extend(long newPos, long diagonal) {
            newLast = newPos;
            lastDiagonal = diagonal;
            count++;
        }
    }

    /** Disjoint sorted ranges with their total, added under a budget. */
    static final class RangeSet {
        private final List<long[]> ranges = new ArrayList<>();
        private long total;

        /** Adds [a, b) clipped to [0, limit); if the new coverage would pass the budget, adds only a prefix. */
        void addWithin(long a, long b, long limit, long budget) {
            a = Math.max(0, a);
            b = Math.min(limit, b);
            if (a >= b || total >= budget) {
                return;
            }
            long room = budget - total;
            long gain = coverageGain(a, b);
            if (gain > room) {
                b = a + room; // keep the part nearest the run's start
                if (a >= b) {
                    return;
                }
            }
            add(a, b);
        }

        private long coverageGain(long a, long b) {
            long covered = 0;
            for (long[] r : ranges) {
                long lo = Math.max(a, r[0]);
                long hi = Math.min(b, r[1]);
                if (lo < hi) {
                    covered += hi - lo;
                }
            }
            return (b - a) - covered;
        }

        private void add(long a, long b) {
            List<long[]> out = new ArrayList<>(ranges.size() + 1);
            long na = a;
            long nb = b;
            boolean placed = false;
            for (long[] r : ranges) {
                if (r[1] < na) {
                    out.add(r);
                } else if (r[0] > nb) {
                    if (!placed) {
                        out.add(new long[] {na, nb});
                        placed = true;
                    }
                    out.add(r);
                } else {
                    na = Math.min(na, r[0]);
                    nb = Math.max(nb, r[1]);
                }
            }
            if (!placed) {
                out.add(new long[] {na, nb});
            }
            ranges.clear();
            ranges.addAll(out);
            total = 0;
            for (long[] r : ranges) {
                total += r[1] - r[0];
            }
        }

        List<long[]> ranges() {
            return new ArrayList<>(ranges);
        }

        long total() {
            return total;
        }
    }
}
