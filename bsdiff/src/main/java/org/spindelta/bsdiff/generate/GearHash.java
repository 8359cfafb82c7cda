package org.spindelta.bsdiff.generate;

import java.util.SplittableRandom;

/**
 * Gear rolling hash (as in FastCDC): {@code h = (h << 1) + GEAR[b]}, so after 64 bytes the value
 * depends on exactly the last 64 bytes. Positions whose hash has its top bits zero are anchors;
 * they depend only on content, so the same bytes in OLD and NEW yield the same anchors wherever
 * they sit.
 */
final class GearHash {
    /** Bytes that determine one hash value. */
    static final int SPAN = 64;
    /** Fixed seed: OLD and NEW must be hashed with one table (and patches made anywhere agree). */
    private static final long SEED = 0x5350_444C_5441_4731L;
    static final long[] GEAR = new long[256];

    static {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < 256; i++) {
            GEAR[i] = r.nextLong();
        }
    }

    private GearHash() {}

    /** The anchor test for a spacing of {@code 2^bits} bytes on average. */
    static boolean isAnchor(long h, int bits) {
        return h >>> (64 - bits) == 0;
    }

    /** The 32-bit fingerprint stored in the index for hash {@code h}. */
    static int fingerprint(long h) {
        long x = h * 0x9E37_79B9_7F4A_7C15L;
        return (int) (x >>> 32);
    }
}
