package org.spindelta.bsdiff.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scan's vectorized byte counting agrees with bsdiff.c's byte-by-byte loop. */
class BsdiffScanTest {
    @Test
    void countEqualAgreesWithAPlainLoop() {
        SplittableRandom r = new SplittableRandom(7);
        for (int round = 0; round < 2000; round++) {
            int n = r.nextInt(round < 1000 ? 40 : 5000);
            byte[] a = new byte[n + 20];
            byte[] b = new byte[n + 30];
            r.nextBytes(a);
            // b copies a with runs of differences of every length, as shifted and edited data does
            int aFrom = r.nextInt(20);
            int bFrom = r.nextInt(30);
            for (int i = 0; i < n; ) {
                int run = 1 + r.nextInt(r.nextBoolean() ? 4 : 300);
                boolean equal = r.nextBoolean();
                for (int k = 0; k < run && i < n; k++, i++) {
                    b[bFrom + i] = equal ? a[aFrom + i] : (byte) (a[aFrom + i] + 1 + r.nextInt(255));
                }
            }
            int expected = 0;
            for (int i = 0; i < n; i++) {
                if (a[aFrom + i] == b[bFrom + i]) {
                    expected++;
                }
            }
            assertEquals(expected, BsdiffScan.countEqual(a, aFrom, b, bFrom, n), "round " + round + ", n " + n);
        }
    }
}
