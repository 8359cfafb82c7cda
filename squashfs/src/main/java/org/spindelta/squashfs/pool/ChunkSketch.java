package org.spindelta.squashfs.pool;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Features of a chunk's content for finding a similar chunk to store it as a delta against (resemblance
 * detection, as in delta-compressing dedup stores): a gear rolling hash over the bytes; every position whose
 * hash has its low {@link #CUT_BITS} bits clear is a content-defined point, and the points whose mixed
 * hash also has its low {@link #SAMPLE_BITS} bits clear are the features, about one per 512 bytes. Both
 * tests depend only on the 64 bytes before a point, so two chunks that share a run of bytes share that run's
 * features wherever it sits in them: a library's block after an update, a tail group with one tail changed,
 * an inode table block with a few inodes changed.
 */
final class ChunkSketch {
    static final int CUT_BITS = 6;
    static final int SAMPLE_BITS = 3;
    private static final long CUT_MASK = (1L << CUT_BITS) - 1;
    private static final long SAMPLE_MASK = (1L << SAMPLE_BITS) - 1;
    private static final long[] GEAR = new long[256];

    static {
        SplittableRandom r = new SplittableRandom(0x5350_4450_4f4f_4c53L); // fixed: every add must agree
        for (int i = 0; i < 256; i++) {
            GEAR[i] = r.nextLong();
        }
    }

    private ChunkSketch() {}

    /** The chunk's distinct features, sorted. */
    static long[] features(byte[] b, int off, int len) {
        long[] out = new long[Math.max(4, len >>> (CUT_BITS + SAMPLE_BITS - 1))];
        int n = 0;
        long h = 0;
        for (int i = off, end = off + len; i < end; i++) {
            h = (h << 1) + GEAR[b[i] & 0xFF];
            if ((h & CUT_MASK) == 0 && i - off >= 63) {
                long f = mix(h);
                if ((f & SAMPLE_MASK) == 0) {
                    if (n == out.length) {
                        out = Arrays.copyOf(out, n * 2);
                    }
                    out[n++] = f;
                }
            }
        }
        Arrays.sort(out, 0, n);
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (m == 0 || out[m - 1] != out[i]) {
                out[m++] = out[i];
            }
        }
        return Arrays.copyOf(out, m);
    }

    /** Spreads the hash's bits (the cut test used its low bits; the sample test must not see the same ones). */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }
}
