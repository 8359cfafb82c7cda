package org.spindelta.bsdiff.generate;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.Futures;
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
    /** OLD is read and anchored in chunks of this many bytes. */
    private static final int CHUNK = 4 << 20;
    /** Bytes before a chunk that its first hash values depend on. */
    private static final int CONTEXT = GearHash.SPAN - 1;

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

    /**
     * Reads OLD once, indexing its anchors and feeding {@code sha}. The anchors of each chunk are
     * found on {@code threads} pool threads while this one reads and hashes OLD, and inserted here in
     * OLD order, so the table is the same on any thread count. (On one thread the pass over a 4 GiB OLD
     * took ~20 s with the other core idle: SHA-256 and the gear hash each cost about as much.)
     */
    static OldIndex build(FileChannel old, long oldSize, int spacingBits, MessageDigest sha, int threads,
            Progress progress) throws IOException {
        OldIndex index = new OldIndex(capacityFor(oldSize, spacingBits), spacingBits);
        int workers = Math.max(1, threads);
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "bsdiff-index");
            t.setDaemon(true);
            return t;
        });
        // chunks in flight are bounded: a buffer returns to the free list once its anchors are found
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(workers + 2);
        for (int i = 0; i < workers + 2; i++) {
            free.add(new byte[CONTEXT + CHUNK]);
        }
        Deque<Future<long[]>> pending = new ArrayDeque<>();
        try {
            byte[] tail = new byte[CONTEXT]; // the last CONTEXT bytes read, for the next chunk
            for (long pos = 0; pos < oldSize; ) {
                int n = (int) Math.min(CHUNK, oldSize - pos);
                byte[] buf = take(free);
                // the hash at a byte depends on the 63 before it: each chunk carries them from the last
                int context = (int) Math.min(CONTEXT, pos);
                System.arraycopy(tail, CONTEXT - context, buf, CONTEXT - context, context);
                ChannelInput.readFully(old, pos, buf, CONTEXT, n, "OLD");
                sha.update(buf, CONTEXT, n);
                System.arraycopy(buf, n, tail, 0, CONTEXT); // buf[CONTEXT + n - CONTEXT ..)
                final long chunkPos = pos;
                final int chunkContext = context;
                pending.add(pool.submit(() -> {
                    try {
                        return anchors(buf, CONTEXT - chunkContext, chunkContext, n, chunkPos, spacingBits);
                    } finally {
                        free.add(buf);
                    }
                }));
                pos += n;
                while (pending.size() > workers) {
                    index.insertAll(Futures.join(pending.poll()));
                }
                progress.advance(n);
            }
            while (!pending.isEmpty()) {
                index.insertAll(Futures.join(pending.poll()));
            }
        } finally {
            pool.shutdownNow();
        }
        return index;
    }

    /**
     * Anchors of buf[CONTEXT, CONTEXT + n), OLD bytes from {@code pos}; buf[from, CONTEXT) holds the
     * {@code context} bytes before them. A run of equal anchor hashes (zero padding anchors at every
     * byte) keeps its first only, counted from the chunk's start.
     *
     * @return pairs {OLD position of the anchor's 64-byte block, fingerprint}
     */
    private static long[] anchors(byte[] buf, int from, int context, int n, long pos, int spacingBits) {
        long[] out = new long[64];
        int k = 0;
        long h = 0;
        for (int i = from; i < from + context; i++) {
            h = (h << 1) + GearHash.GEAR[buf[i] & 0xFF];
        }
        long lastAnchorHash = 0;
        long first = pos - CONTEXT; // OLD position of buf[0]; bytes start at buf[from]
        for (int i = CONTEXT; i < CONTEXT + n; i++) {
            h = (h << 1) + GearHash.GEAR[buf[i] & 0xFF];
            long p = first + i;
            if (p >= GearHash.SPAN - 1 && GearHash.isAnchor(h, spacingBits) && h != lastAnchorHash) {
                lastAnchorHash = h;
                if (k + 2 > out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                out[k++] = p - (GearHash.SPAN - 1);
                out[k++] = GearHash.fingerprint(h);
            }
        }
        return Arrays.copyOf(out, k);
    }

    private void insertAll(long[] anchors) {
        for (int i = 0; i < anchors.length; i += 2) {
            insert((int) anchors[i + 1], anchors[i]);
        }
    }

    private static byte[] take(BlockingQueue<byte[]> queue) throws InterruptedIOException {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
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
