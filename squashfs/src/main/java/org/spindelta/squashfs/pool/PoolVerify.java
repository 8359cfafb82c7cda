package org.spindelta.squashfs.pool;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.spindelta.core.Progress;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.spin.Recompressor;

/**
 * Checks a whole pool: every segment of every pack the recipes name decodes and every chunk in it hashes
 * to its id, and every image rebuilds (without writing it) to its recipe's SHA-256.
 */
public final class PoolVerify {
    /** One problem found; {@code what} names the image or pack. */
    public record Problem(String what, String message) {
    }

    /** @param images images rebuilt; @param chunks chunks checked */
    public record Result(int images, int packs, long chunks, List<Problem> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private PoolVerify() {}

    public static Result verify(Pool pool, int threads, Recompressor.Factory encoders, Progress progress)
            throws IOException {
        List<Problem> problems = new ArrayList<>();
        List<Recipe> recipes = new ArrayList<>();
        for (String n : pool.names()) {
            try {
                recipes.add(pool.recipe(n));
            } catch (SpindeltaException e) {
                problems.add(new Problem("image " + n, e.getMessage()));
            }
        }
        PoolIndex index = new PoolIndex();
        for (String p : Pool.packsOf(recipes)) {
            try {
                index.add(PoolIndex.load(pool.files(), List.of(p)).packs().iterator().next());
            } catch (SpindeltaException e) {
                problems.add(new Problem("pack " + p, e.getMessage()));
            }
        }
        long chunks = 0;
        SegmentReader direct = new SegmentReader(SegmentReader.direct(pool.files()));
        for (PackIndex p : index.packs()) {
            for (PackIndex.Entry e : p.entries()) {
                try {
                    direct.chunk(index, new PoolIndex.Location(p, e), SegmentReader.Local.NONE);
                    chunks++;
                } catch (SpindeltaException ex) {
                    problems.add(new Problem("pack " + p.pack(), ex.getMessage()));
                    break;
                }
            }
        }
        for (Recipe r : recipes) {
            try {
                PoolGet.rebuild(r, index, direct, List.of(), threads, encoders, progress, b -> {});
            } catch (SpindeltaException e) {
                problems.add(new Problem("image " + r.name(), e.getMessage()));
            }
        }
        return new Result(recipes.size(), index.packs().size(), chunks, problems);
    }
}
