package org.spindelta.bsdiff.generate;

import java.util.List;

/**
 * What one window does: diff NEW's bytes [newStart, newStart+newLength) against the listed ranges
 * of OLD (sorted, disjoint, absolute). A value object, printable for {@code explain}.
 */
public record WindowPlan(int index, long newStart, int newLength, List<long[]> oldRanges) {

    public long oldBytes() {
        long s = 0;
        for (long[] r : oldRanges) {
            s += r[1] - r[0];
        }
        return s;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append("window ").append(index).append(": new [").append(newStart).append(", ").append(newStart + newLength)
                .append(") against ").append(oldRanges.size()).append(" old range(s), ").append(oldBytes()).append(" bytes");
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
