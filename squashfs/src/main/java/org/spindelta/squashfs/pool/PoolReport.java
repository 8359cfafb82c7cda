package org.spindelta.squashfs.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a pool holds, per image and in total, for {@code pool ls} and {@code pool stats}. A chunk's stored
 * cost is its share of its segment's compressed bytes (segments are compressed as a whole, so a chunk has
 * no size of its own); an image "adds" the stored cost of the chunks no other image uses, which is what
 * removing it would free.
 *
 * @param diskBytes every file in the pool directory (packs, indexes, recipes, and garbage a gc would remove)
 * @param liveBytes the packs and indexes the recipes name, and the recipes
 */
public record PoolReport(List<ImageRow> images, long diskBytes, long liveBytes, int packs, int chunks,
        long contentBytes) {
    /**
     * @param pieces pieces in the recipe
     * @param recompressed how many of them are blocks recompressed from decoded chunks
     * @param stored stored cost of all chunks it uses
     * @param adds stored cost of the chunks only it uses
     */
    public record ImageRow(String name, long length, int pieces, int recompressed, long stored, long adds) {
    }

    /** Sum of the images' lengths. */
    public long imagesLength() {
        return images.stream().mapToLong(ImageRow::length).sum();
    }

    public static PoolReport of(Pool pool) throws IOException {
        List<Recipe> recipes = pool.recipes();
        PoolIndex index = PoolIndex.load(pool.files(), Pool.packsOf(recipes));
        Map<ChunkId, Integer> users = new HashMap<>();
        for (Recipe r : recipes) {
            Set<ChunkId> mine = new HashSet<>();
            r.pieces().forEach(p -> p.chunks().forEach(c -> mine.add(c.id())));
            mine.forEach(id -> users.merge(id, 1, Integer::sum));
        }
        List<ImageRow> rows = new ArrayList<>();
        for (Recipe r : recipes) {
            Set<ChunkId> seen = new HashSet<>();
            double stored = 0;
            double adds = 0;
            int recompressed = 0;
            for (Piece p : r.pieces()) {
                if (p instanceof Piece.Recompressed) {
                    recompressed++;
                }
                for (Piece.Part c : p.chunks()) {
                    if (!seen.add(c.id())) {
                        continue;
                    }
                    double cost = cost(index.find(c.id()));
                    stored += cost;
                    if (users.get(c.id()) == 1) {
                        adds += cost;
                    }
                }
            }
            rows.add(new ImageRow(r.name(), r.length(), r.pieces().size(), recompressed, Math.round(stored),
                    Math.round(adds)));
        }
        long live = 0;
        long content = 0;
        for (PackIndex p : index.packs()) {
            live += size(pool.root().resolve(PoolFormat.PACKS_DIR).resolve(p.pack() + PoolFormat.PACK_SUFFIX));
            live += size(pool.root().resolve(PoolFormat.PACKS_DIR).resolve(p.pack() + PoolFormat.INDEX_SUFFIX));
            content += p.contentLength();
        }
        for (Recipe r : recipes) {
            live += size(pool.recipePath(r.name()));
        }
        live += size(pool.root().resolve(PoolFormat.MARKER_FILE)) + size(pool.root().resolve(PoolFormat.LOCK_FILE));
        long disk;
        try (Stream<Path> s = Files.walk(pool.root())) {
            disk = s.filter(Files::isRegularFile).mapToLong(PoolReport::size).sum();
        }
        return new PoolReport(rows, disk, live, index.packs().size(), index.size(), content);
    }

    private static double cost(PoolIndex.Location at) {
        if (at == null) {
            return 0;
        }
        PackIndex.Segment s = at.pack().segments().get(at.entry().segment());
        return (double) at.entry().length() * s.length() / s.decodedLength();
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0; // removed meanwhile
        }
    }
}
