package org.spindelta.squashfs.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.spindelta.core.SpindeltaException;

/**
 * Removes images and the chunks no image needs, under the pool's lock. Every step leaves a pool whose
 * images all rebuild, so an interrupted run is safe and the next gc finishes its work:
 * <ol>
 * <li>packs whose chunks are partly dead are copied, live chunks only, into one new pack (unreferenced,
 * so a crash here leaves garbage, not damage);
 * <li>each recipe naming a copied pack is rewritten (temporary file, rename) to name the new one instead:
 * the image and its pieces are unchanged, and both packs exist meanwhile;
 * <li>only then are packs no recipe names deleted, with temporary files of dead adds.
 * </ol>
 * A {@code get} reading the pool while gc deletes a pack its recipe named a moment before fails with a
 * one-line error; run it again.
 */
public final class PoolGc {
    /** What gc did. */
    public record Summary(int packsRewritten, int packsDeleted, long bytesFreed) {
    }

    /** Called after the new pack is written and before any recipe names it (tests: a crash there). */
    @FunctionalInterface
    public interface Step {
        void run() throws IOException;
    }

    private PoolGc() {}

    /** Removes image {@code name}; its chunks stay until gc. */
    public static void remove(Pool pool, String name) throws IOException {
        PoolFormat.checkName(name);
        try (AutoCloseable lock = pool.lock()) {
            if (!Files.deleteIfExists(pool.recipePath(name))) {
                throw new SpindeltaException("pool " + pool.root() + " has no image \"" + name + "\"");
            }
            Pool.syncDirectory(pool.recipePath(name).getParent());
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    public static Summary collect(Pool pool, int threads) throws IOException {
        return collect(pool, threads, () -> {});
    }

    public static Summary collect(Pool pool, int threads, Step afterNewPack) throws IOException {
        try (AutoCloseable lock = pool.lock()) {
            return collectLocked(pool, threads, afterNewPack);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static Summary collectLocked(Pool pool, int threads, Step afterNewPack) throws IOException {
        List<Recipe> recipes = pool.recipes();
        Set<ChunkId> live = new HashSet<>();
        recipes.forEach(r -> r.pieces().forEach(p -> p.chunks().forEach(c -> live.add(c.id()))));
        PoolIndex index = PoolIndex.load(pool.files(), Pool.packsOf(recipes));
        // a live delta chunk keeps the chunks it is made from (deltas are one step deep)
        for (ChunkId id : new ArrayList<>(live)) {
            PoolIndex.Location at = index.find(id);
            if (at != null) {
                at.entry().references().forEach(ref -> live.add(ref.id()));
            }
        }
        List<PackIndex> partial = new ArrayList<>();
        for (PackIndex p : index.packs()) {
            if (p.entries().stream().anyMatch(e -> !live.contains(e.id()))) {
                partial.add(p);
            }
        }
        Set<String> keep = new LinkedHashSet<>(Pool.packsOf(recipes));
        if (!partial.isEmpty()) {
            PackIndex fresh;
            SegmentReader reader = new SegmentReader(SegmentReader.direct(pool.files()));
            Set<ChunkId> copied = new HashSet<>();
            try (PackWriter w = new PackWriter(pool.packsDir(), threads)) {
                for (PackIndex p : partial) {
                    for (PackIndex.Entry e : p.entries()) {
                        if (live.contains(e.id()) && copied.add(e.id())) {
                            PoolIndex.Location at = new PoolIndex.Location(p, e);
                            reader.chunk(index, at, SegmentReader.Local.NONE); // copy nothing damaged
                            byte[] c = reader.stored(at);
                            w.add(e.id(), c, 0, c.length, e.contentLength(), e.references());
                        }
                    }
                }
                fresh = w.finish();
            }
            afterNewPack.run();
            Set<String> gone = new HashSet<>();
            partial.forEach(p -> gone.add(p.pack()));
            for (Recipe r : recipes) {
                if (r.packs().stream().noneMatch(gone::contains)) {
                    continue;
                }
                Set<String> packs = new LinkedHashSet<>();
                for (String p : r.packs()) {
                    if (!gone.contains(p)) {
                        packs.add(p);
                    } else if (fresh != null) {
                        packs.add(fresh.pack());
                    }
                }
                pool.commit(new Recipe(r.name(), r.length(), r.sha256(), r.images(), new ArrayList<>(packs),
                        r.pieces()));
            }
            keep.removeAll(gone);
            if (fresh != null) {
                keep.add(fresh.pack());
            }
        }
        int deleted = 0;
        long freed = 0;
        try (Stream<Path> s = Files.list(pool.packsDir())) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String f = p.getFileName().toString();
                String stem = f.endsWith(PoolFormat.PACK_SUFFIX) ? f.substring(0, f.length() - PoolFormat.PACK_SUFFIX.length())
                        : f.endsWith(PoolFormat.INDEX_SUFFIX) ? f.substring(0, f.length() - PoolFormat.INDEX_SUFFIX.length())
                        : null;
                boolean temp = f.startsWith(".") && f.endsWith(".part");
                if (temp || (stem != null && !keep.contains(stem))) {
                    freed += Files.size(p);
                    Files.delete(p);
                    if (!temp && f.endsWith(PoolFormat.PACK_SUFFIX)) {
                        deleted++;
                    }
                }
            }
        }
        try (Stream<Path> s = Files.list(pool.root().resolve(PoolFormat.IMAGES_DIR))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String f = p.getFileName().toString();
                if (f.startsWith(".") && f.endsWith(".part")) {
                    freed += Files.size(p);
                    Files.delete(p);
                }
            }
        }
        Pool.syncDirectory(pool.packsDir());
        return new Summary(partial.size(), deleted, freed);
    }
}
