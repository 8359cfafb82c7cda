package org.spindelta.bsdiff.generate;

import java.util.List;

/**
 * What one window does: diff NEW's bytes [newStart, newStart+newLength) against OLD: the
 * {@code oldRanges} are suffix-sorted for bsdiff's search; the {@code anchoredRanges} hold runs the
 * coarse index found, matched along the {@code alignments} ({newFrom, newTo, diagonal}, absolute
 * NEW positions) without sorting. Ranges are absolute, sorted and disjoint within each list. A value
 * object, printable for {@code explain}.
 */
public record WindowPlan(int index, long newStart, int newLength, List<long[]> oldRanges, List<long[]> anchoredRanges,
        List<long[]> alignments) {

    /** A window diffed against the given ranges only, all suffix-sorted. */
    public WindowPlan(int index, long newStart, int newLength, List<long[]> oldRanges) {
        this(index, newStart, newLength, oldRanges, List.of(), List.of());
    }

    public long oldBytes() {
        return bytes(oldRanges);
    }

    public long anchoredBytes() {
        return bytes(anchoredRanges);
    }

    private static long bytes(List<long[]> ranges) {
        long s = 0;
        for (long[] r : ranges) {
            s += r[1] - r[0];
        }
        return s;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append("window ").append(index).append(": new [").append(newStart).append(", ").append(newStart + newLength)
                .append(") against ").append(oldRanges.size()).append(" sorted old range(s), ").append(oldBytes())
                .append(" bytes, and ").append(alignments.size()).append(" alignment(s) over ").append(anchoredRanges.size())
                .append(" anchored range(s), ").append(anchoredBytes()).append(" bytes;");
        int shown = 0;
        for (long[] r : oldRanges) {
            if (shown++ == 4) {
                b.append(" ...");
                break;
            }
            b.append(" [").append(r[0]).append(", ").append(r[1]).append(')');
        }
        return b.toString();
    }
}
