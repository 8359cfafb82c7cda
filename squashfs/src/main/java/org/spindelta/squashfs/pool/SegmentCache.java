package org.spindelta.squashfs.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.spindelta.core.SpindeltaException;

/**
 * Segments fetched from a remote pool, kept in a local directory under the SHA-256 of their compressed
 * bytes once checked against it, so an interrupted get resumes where it stopped and a second get of
 * another image needs no segment twice. Before a rebuild, the segments it needs are fetched several at
 * once, neighbouring segments of one pack in one Range request of up to {@link #MAX_REQUEST} bytes.
 */
public final class SegmentCache implements SegmentReader.Fetch {
    /** Largest Range request: several segments in one round trip, but a failure costs little to repeat. */
    static final int MAX_REQUEST = 16 << 20;

    private final PoolFiles files;
    private final Path dir;
    private final int connections;

    public SegmentCache(PoolFiles files, Path dir, int connections) throws IOException {
        this.files = files;
        this.dir = dir;
        this.connections = connections;
        Files.createDirectories(dir);
    }

    private Path file(PackIndex.Segment s) {
        return dir.resolve(s.sha256().hex());
    }

    @Override
    public byte[] fetch(PackIndex pack, int segment) throws IOException {
        byte[] cached = cached(pack, segment);
        if (cached != null) {
            return cached;
        }
        PackIndex.Segment s = pack.segments().get(segment);
        byte[] b = files.readRange(SegmentReader.packPath(pack.pack()), s.offset(), s.length());
        store(s, b);
        return b;
    }

    /** A cached segment whose bytes still hash right, or null. */
    private byte[] cached(PackIndex pack, int segment) throws IOException {
        PackIndex.Segment s = pack.segments().get(segment);
        Path f = file(s);
        if (!Files.isRegularFile(f) || Files.size(f) != s.length()) {
            return null;
        }
        byte[] b = Files.readAllBytes(f);
        return ChunkId.of(b, 0, b.length).equals(s.sha256()) ? b : null;
    }

    private void store(PackIndex.Segment s, byte[] b) throws IOException {
        if (b.length != s.length() || !ChunkId.of(b, 0, b.length).equals(s.sha256())) {
            throw new org.spindelta.core.CorruptInputException("a fetched segment does not match the SHA-256 in its "
                    + "pack's index (damaged in transit or on the server)");
        }
        Path tmp = Files.createTempFile(dir, ".seg-", ".part");
        try {
            Files.write(tmp, b);
            Files.move(tmp, file(s), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void prefetch(Map<PackIndex, SortedSet<Integer>> wanted) throws IOException {
        List<int[]> runs = new ArrayList<>();
        List<PackIndex> runPacks = new ArrayList<>();
        for (Map.Entry<PackIndex, SortedSet<Integer>> e : wanted.entrySet()) {
            PackIndex p = e.getKey();
            int start = -1;
            int last = -1;
            long bytes = 0;
            for (int seg : e.getValue()) {
                if (cached(p, seg) != null) {
                    continue;
                }
                int len = p.segments().get(seg).length();
                if (start >= 0 && seg == last + 1 && bytes + len <= MAX_REQUEST) {
                    last = seg;
                    bytes += len;
                    continue;
                }
                if (start >= 0) {
                    runs.add(new int[] {start, last});
                    runPacks.add(p);
                }
                start = seg;
                last = seg;
                bytes = len;
            }
            if (start >= 0) {
                runs.add(new int[] {start, last});
                runPacks.add(p);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, connections), r -> {
            Thread t = new Thread(r, "pool-fetch");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                PackIndex p = runPacks.get(i);
                int[] run = runs.get(i);
                done.add(pool.submit(() -> {
                    fetchRun(p, run[0], run[1]);
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new IOException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void fetchRun(PackIndex p, int first, int last) throws IOException {
        PackIndex.Segment a = p.segments().get(first);
        PackIndex.Segment z = p.segments().get(last);
        long length = z.offset() + z.length() - a.offset();
        if (length > Integer.MAX_VALUE - 8) {
            throw new SpindeltaException("segment run too long: " + length);
        }
        byte[] b = files.readRange(SegmentReader.packPath(p.pack()), a.offset(), (int) length);
        for (int s = first; s <= last; s++) {
            PackIndex.Segment seg = p.segments().get(s);
            int from = (int) (seg.offset() - a.offset());
            store(seg, java.util.Arrays.copyOfRange(b, from, from + seg.length()));
        }
    }
}
