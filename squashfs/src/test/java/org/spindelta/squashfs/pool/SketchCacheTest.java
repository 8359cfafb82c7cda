package org.spindelta.squashfs.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pack features kept between adds: an index built from the cache finds the same references as one
 * built from the segments, without decoding them; a damaged or foreign cache file is ignored and made
 * again. Contents are real system binaries, cut into chunks.
 */
class SketchCacheTest {
    @TempDir
    Path dir;

    /** Chunks of 64 KiB from real binaries. */
    private static List<byte[]> chunks() throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (String p : new String[] {"/usr/bin/bash", "/usr/bin/ls", "/usr/bin/cp", "/usr/bin/tar"}) {
            Path f = Path.of(p);
            if (!Files.isRegularFile(f)) {
                continue;
            }
            byte[] b = Files.readAllBytes(f);
            for (int off = 0; off + 65536 <= b.length && out.size() < 24; off += 65536) {
                out.add(Arrays.copyOfRange(b, off, off + 65536));
            }
        }
        assertTrue(out.size() >= 8, "real binaries to cut");
        return out;
    }

    @Test
    void anIndexFromTheCacheFindsWhatOneFromTheSegmentsFinds() throws Exception {
        List<byte[]> chunks = chunks();
        ByteArrayOutputStream seg = new ByteArrayOutputStream();
        List<PackIndex.Entry> entries = new ArrayList<>();
        for (byte[] c : chunks) {
            entries.add(new PackIndex.Entry(ChunkId.of(c, 0, c.length), 0, seg.size(), c.length));
            seg.write(c);
        }
        byte[] xz = PackWriter.compress(seg.toByteArray());
        PackIndex pack = new PackIndex(ChunkId.of(xz, 0, xz.length).hex(), xz.length,
                List.of(new PackIndex.Segment(0, xz.length, seg.size(), ChunkId.of(xz, 0, xz.length))), entries);
        PoolIndex index = new PoolIndex();
        index.add(pack);
        AtomicInteger decoded = new AtomicInteger();
        SegmentReader reader = new SegmentReader((p, s) -> {
            decoded.incrementAndGet();
            return xz.clone();
        }, 0);
        SketchCache cache = new SketchCache(dir.resolve("sketches"));

        // an edited copy of chunk 5: its most similar stored chunk is chunk 5
        byte[] edited = chunks.get(5).clone();
        for (int i = 0; i < edited.length; i += 1500) {
            edited[i] ^= 0x5A;
        }
        long[] features = ChunkSketch.features(edited, 0, edited.length);

        ReferenceIndex fromSegments = ReferenceIndex.build(index, reader, 2, cache);
        assertEquals(1, decoded.get());
        Path file = dir.resolve("sketches").resolve(pack.pack() + ".sketch");
        assertTrue(Files.isRegularFile(file));
        List<PoolIndex.Location> expected = fromSegments.similar(features, 2);
        assertFalse(expected.isEmpty());
        assertEquals(entries.get(5).id(), expected.get(0).entry().id());

        ReferenceIndex fromCache = ReferenceIndex.build(index, reader, 2, cache);
        assertEquals(1, decoded.get(), "the cached pack is not decoded again");
        assertEquals(expected, fromCache.similar(features, 2));

        // a flipped byte: the file fails its trailer, the pack is indexed from its segments and kept again
        byte[] good = Files.readAllBytes(file);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 1;
        Files.write(file, bad);
        assertNull(cache.load(pack));
        assertEquals(expected, ReferenceIndex.build(index, reader, 2, cache).similar(features, 2));
        assertEquals(2, decoded.get());
        assertNotNull(cache.load(pack));

        // the features of another pack under this pack's name: refused by the hash inside
        PackIndex other = new PackIndex(ChunkId.of(new byte[] {1}, 0, 1).hex(), pack.packLength(), pack.segments(),
                pack.entries());
        Files.copy(file, dir.resolve("sketches").resolve(other.pack() + ".sketch"));
        assertNull(cache.load(other));
    }
}
