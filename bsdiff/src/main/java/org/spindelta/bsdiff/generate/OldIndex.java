package org.spindelta.bsdiff.generate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.Progress;

/**
 * The coarse index over OLD that windowed diffing uses to pick, for each window of NEW, the region
 * of OLD worth suffix-sorting: content-defined anchors (see {@link GearHash}) of OLD in an
 * open-addressing table from 64-byte-block fingerprint to position. One pass over OLD builds it
 * (hashing OLD with SHA-256 on the way); memory is {@link #BYTES_PER_SLOT} bytes per slot, sized from
 * the caller's budget by choosing the anchor spacing.
 */
final class OldIndex {
    /** int fingerprint + long position. */
    static final int BYTES_PER_SLOT = 12;
    /** Identical 64-byte blocks kept per fingerprint; more copies add nothing to region choice. */
    static final int MAX_DUPLICATES = 4;
    /** Never anchor more often than every 32 bytes on average. */
    static final int MIN_SPACING_BITS = 5;
    private static final int READ_BUFFER = 1 << 20;

    private final int[] fingerprints;
    private final long[] positions;
    private final int mask;
    private final int spacingBits;
    private int used;

    private OldIndex(int capacity, int spacingBits) {
        fingerprints = new int[capacity];
        positions = new long[capacity];
        Arrays.fill(positions, -1);
        mask = capacity - 1;
        this.spacingBits = spacingBits;
    }

    /** Anchor spacing bits and table capacity so that the table fits {@code budget} bytes. */
    static int spacingBitsFor(long oldSize, long budget) {
        int bits = MIN_SPACING_BITS;
        // slots = 2 x expected anchors, rounded up to a power of two: at most 4 x anchors
        while (bits < 30 && 4 * (oldSize >> bits) * BYTES_PER_SLOT > budget) {
            bits++;
        }
        return bits;
    }

    static long bytesFor(long oldSize, int spacingBits) {
        return (long) capacityFor(oldSize, spacingBits) * BYTES_PER_SLOT;
    }

    private static int capacityFor(long oldSize, int spacingBits) {
        long want = Math.max(1024, 2 * ((oldSize >> spacingBits) + 16));
        return (int) Math.min(1 << 30, Long.highestOneBit(want - 1) << 1);
    }

    /** Reads OLD once, indexing its anchors and feeding {@code sha}. */
    static OldIndex build(FileChannel old, long oldSize, int spacingBits, MessageDigest sha, Progress progress)
            throws IOException {
        OldIndex index = new OldIndex(capacityFor(oldSize, spacingBits), spacingBits);
        ByteBuffer buf = ByteBuffer.allocate(READ_BUFFER);
        byte[] a = buf.array();
        long h = 0;
        long lastAnchorHash = 0;
        long pos = 0;
        while (pos < oldSize) {
            buf.clear();
            buf.limit((int) Math.min(READ_BUFFER, oldSize - pos));
            int n = old.read(buf, pos);
            if (n < 0) {
                throw new CorruptInputException("OLD ended at byte " + pos + " of " + oldSize);
            }
            sha.update(a, 0, n);
            for (int i = 0; i < n; i++) {
                h = (h << 1) + GearHash.GEAR[a[i] & 0xFF];
                long p = pos + i;
                if (p >= GearHash.SPAN - 1 && GearHash.isAnchor(h, spacingBits) && h != lastAnchorHash) {
                    // runs of identical blocks (zero padding) anchor at every byte; keep their first only
                    lastAnchorHash = h;
                    index.insert(GearHash.fingerprint(h), p - (GearHash.SPAN - 1));
                }
            }
            pos += n;
            progress.advance(n);
        }
        return index;
    }

    private void insert(int fp, long position) {
        if (used >= (mask + 1) - (mask + 1) / 4) {
            return; // full beyond 75%: a coarse index may drop anchors
        }
        int slot = mix(fp) & mask;
        int same = 0;
        while (positions[slot] >= 0) {
            if (fingerprints[slot] == fp && ++same >= MAX_DUPLICATES) {
                return;
            }
            slot = (slot + 1) & mask;
        }
        fingerprints[slot] = fp;
        positions[slot] = position;
        used++;
    }

    /**
     * Copies up to {@code out.length} OLD positions whose 64-byte block has fingerprint {@code fp}.
     *
     * @return how many were copied
     */
    int lookup(int fp, long[] out) {
        int slot = mix(fp) & mask;
        int n = 0;
        while (positions[slot] >= 0 && n < out.length) {
            if (fingerprints[slot] == fp) {
                out[n++] = positions[slot];
            }
            slot = (slot + 1) & mask;
        }
        return n;
    }

    int spacingBits() {
        return spacingBits;
    }

    private static int mix(int fp) {
        return fp ^ (fp >>> 16);
    }
}
