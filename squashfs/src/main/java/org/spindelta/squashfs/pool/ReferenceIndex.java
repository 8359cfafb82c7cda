package org.spindelta.squashfs.pool;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The pool's whole chunks by their {@link ChunkSketch} features, so {@code add} can store a new chunk as a
 * delta against the stored chunks most like it. Built at the start of an add from every segment of the
 * packs the recipes name (decoded once, on all threads); delta chunks are not indexed, so a delta is always
 * one step from whole chunks.
 *
 * <p>Memory: an open-addressing table of 12 bytes per feature slot, about one feature per 512 bytes of
 * stored content (24 MiB for 1 GB of content), plus the chunk list.
 */
final class ReferenceIndex {
    /** A feature shared by more chunks than this says nothing about similarity (zero runs, padding). */
    static final int MAX_CHUNKS_PER_FEATURE = 16;
    /** A candidate needs at least this share of the new chunk's features (in 1/16ths). */
    static final int MIN_SHARE_SIXTEENTHS = 2;

    private final List<PoolIndex.Location> chunks = new ArrayList<>();
    private long[] keys;
    private int[] values;
    private int size;

    private ReferenceIndex(int capacity) {
        int cap = Integer.highestOneBit(Math.max(16, capacity * 2 - 1)) * 2;
        keys = new long[cap];
        values = new int[cap];
        Arrays.fill(values, -1);
    }

    /**
     * Indexes every whole chunk of {@code index}'s packs: from {@code cache} where it has a pack's features,
     * else by decoding the pack's segments (then kept in {@code cache}, which may be null).
     */
    static ReferenceIndex build(PoolIndex index, SegmentReader segments, int threads, SketchCache cache)
            throws IOException {
        long content = 0;
        for (PackIndex p : index.packs()) {
            content += p.contentLength();
        }
        ReferenceIndex ri = new ReferenceIndex((int) Math.min(1 << 28, content >>> 8));
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "pool-sketch");
            t.setDaemon(true);
            return t;
        });
        try {
            for (PackIndex p : index.packs()) {
                long[][] features = cache == null ? null : cache.load(p);
                if (features == null) {
                    features = sketch(p, segments, pool);
                    if (cache != null) {
                        cache.store(p, features);
                    }
                }
                for (int i = 0; i < features.length; i++) {
                    PackIndex.Entry e = p.entries().get(i);
                    PoolIndex.Location at = index.find(e.id());
                    if (!e.delta() && at != null && at.entry() == e) {
                        ri.add(at, features[i]);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return ri;
    }

    /** The features of each of a pack's entries (none for a delta), decoding each segment once. */
    private static long[][] sketch(PackIndex p, SegmentReader segments, ExecutorService pool) throws IOException {
        List<PackIndex.Entry> entries = p.entries();
        long[][] out = new long[entries.size()][];
        List<Future<?>> futures = new ArrayList<>();
        int from = 0;
        while (from < entries.size()) {
            int segment = entries.get(from).segment();
            int to = from;
            while (to < entries.size() && entries.get(to).segment() == segment) {
                to++;
            }
            int a = from;
            int b = to;
            futures.add(pool.submit(() -> {
                byte[] seg = segments.segment(p, segment);
                for (int i = a; i < b; i++) {
                    PackIndex.Entry e = entries.get(i);
                    out[i] = e.delta() ? new long[0] : ChunkSketch.features(seg, e.offset(), e.length());
                }
                return null;
            }));
            from = to;
        }
        for (Future<?> f : futures) {
            org.spindelta.core.Futures.join(f);
        }
        return out;
    }

    private void add(PoolIndex.Location at, long[] features) {
        int id = chunks.size();
        chunks.add(at);
        for (long f : features) {
            if (size * 2 >= keys.length) {
                grow();
            }
            put(f, id);
        }
    }

    private void put(long f, int id) {
        int mask = keys.length - 1;
        int i = slot(f, mask);
        int same = 0;
        while (values[i] >= 0) {
            if (keys[i] == f && ++same > MAX_CHUNKS_PER_FEATURE) {
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = f;
        values[i] = id;
        size++;
    }

    private void grow() {
        long[] k = keys;
        int[] v = values;
        keys = new long[k.length * 2];
        values = new int[v.length * 2];
        Arrays.fill(values, -1);
        size = 0;
        for (int i = 0; i < k.length; i++) {
            if (v[i] >= 0) {
                put(k[i], v[i]);
            }
        }
    }

    private static int slot(long f, int mask) {
        return (int) (f ^ (f >>> 29)) & mask;
    }

    /**
     * The stored chunks most like a content with these features, best first, at most {@code max} of them and
     * only those sharing enough of the features; empty when none does.
     */
    List<PoolIndex.Location> similar(long[] features, int max) {
        if (features.length == 0 || chunks.isEmpty()) {
            return List.of();
        }
        java.util.HashMap<Integer, int[]> votes = new java.util.HashMap<>();
        int mask = keys.length - 1;
        for (long f : features) {
            int i = slot(f, mask);
            int seen = 0;
            while (values[i] >= 0) {
                if (keys[i] == f) {
                    if (++seen > MAX_CHUNKS_PER_FEATURE) {
                        break;
                    }
                    votes.computeIfAbsent(values[i], k -> new int[1])[0]++;
                }
                i = (i + 1) & mask;
            }
        }
        int need = Math.max(1, features.length * MIN_SHARE_SIXTEENTHS / 16);
        List<int[]> ranked = new ArrayList<>();
        votes.forEach((id, v) -> {
            if (v[0] >= need) {
                ranked.add(new int[] {id, v[0]});
            }
        });
        // most votes first; ties to the chunk indexed first, so the choice does not depend on hash order
        ranked.sort((a, b) -> a[1] != b[1] ? Integer.compare(b[1], a[1]) : Integer.compare(a[0], b[0]));
        List<PoolIndex.Location> out = new ArrayList<>();
        for (int k = 0; k < Math.min(max, ranked.size()); k++) {
            out.add(chunks.get(ranked.get(k)[0]));
        }
        return out;
    }
}
