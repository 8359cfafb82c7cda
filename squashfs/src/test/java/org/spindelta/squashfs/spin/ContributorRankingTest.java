package org.spindelta.squashfs.spin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan's contributor list: largest first, a long tail summed, every byte still accounted for. */
class ContributorRankingTest {

    @Test
    void theTailIsSummedAndTheTotalsKept() {
        Map<String, long[]> byPath = new HashMap<>();
        long[] total = new long[4];
        for (int i = 0; i < 50; i++) {
            long[] a = i % 10 == 0 ? new long[] {1000 + i, 0, 0, 0} : new long[] {i, 100L * i, 10L * i, i % 3};
            byPath.put("p" + i, a);
            for (int k = 0; k < 4; k++) {
                total[k] += a[k];
            }
        }
        List<Contributor> r = SpinDiff.ranked(byPath, 7);
        assertEquals(9, r.size(), "7 listed, one summed tail, one copied-only line: " + r);
        assertEquals("p49", r.get(0).path(), "the most shipped first");
        for (int i = 1; i < 7; i++) {
            assertTrue(r.get(i - 1).shipped() >= r.get(i).shipped());
        }
        assertTrue(r.get(7).path().startsWith("(38 more paths"), r.get(7).path());
        assertTrue(r.get(8).path().startsWith("(5 other paths"), r.get(8).path());
        assertEquals(total[0], r.stream().mapToLong(Contributor::copied).sum());
        assertEquals(total[1], r.stream().mapToLong(Contributor::diffed).sum());
        assertEquals(total[2], r.stream().mapToLong(Contributor::recompressed).sum());
        assertEquals(total[3], r.stream().mapToLong(Contributor::literal).sum());
        assertEquals(45, SpinDiff.ranked(byPath, 100).size() - 1, "under the limit every shipping path is listed");
    }

    @Test
    void pathsCopiedElsewhereJoinTheCopiedOnlyLine() {
        Map<String, long[]> byPath = new HashMap<>();
        byPath.put("shipping", new long[] {10, 20, 5, 0});
        byPath.put("(inode table block)", new long[] {300, 0, 0, 0});
        List<Contributor> r = SpinDiff.ranked(byPath, 10, 4000, 7);
        assertEquals(2, r.size(), r.toString());
        assertEquals("shipping", r.get(0).path());
        assertEquals("(8 other paths and structures, copied whole)", r.get(1).path());
        assertEquals(4300, r.get(1).copied(), "the structure's copied bytes and those counted elsewhere");
        assertEquals(4310, r.stream().mapToLong(Contributor::copied).sum());
    }
}
