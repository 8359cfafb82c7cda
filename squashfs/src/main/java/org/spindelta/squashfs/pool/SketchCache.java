package org.spindelta.squashfs.pool;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.spindelta.core.StagedOutput;

/**
 * The {@link ChunkSketch} features of a pack's whole chunks, kept on this machine so that an add need not
 * decode the whole pool again to index it ({@link ReferenceIndex}): packs never change once written, so
 * the features are a pure function of the pack's hash. Measured on the Debian xz family, indexing base +
 * loc from their segments took 5–7 s of a 33 s add.
 *
 * <p>The cache is local derived data, not part of the pool (a published pool stays static files that
 * readers need): {@code $SPINDELTA_CACHE}, else {@code $XDG_CACHE_HOME/spindelta}, else
 * {@code ~/.cache/spindelta}, under {@code sketches/}. A file that is missing, damaged or does not match
 * the pack's index is ignored and made again; one that cannot be written is simply not kept. Neither can
 * change what an add stores, only how fast it finds references: every delta is made from the referenced
 * chunks' real content.
 *
 * <p>File: the pool's metadata framing ("SPDSKTCH", version 1, SHA-256 trailer), the pack's hash, its
 * entry count, then per entry a u32 feature count (0 for a delta chunk) and the features as u64s.
 */
final class SketchCache {
    static final byte[] MAGIC = "SPDSKTCH".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    /** Features one entry may have: a 1 MiB chunk has about 2,000. */
    static final int MAX_FEATURES = 1 << 20;

    private final Path dir;

    SketchCache(Path dir) {
        this.dir = dir;
    }

    /** This machine's sketch directory, or null if no home or cache directory is known. */
    static Path localDirectory() {
        String explicit = System.getenv("SPINDELTA_CACHE");
        String xdg = System.getenv("XDG_CACHE_HOME");
        String home = System.getProperty("user.home");
        Path root = explicit != null && !explicit.isEmpty() ? Path.of(explicit)
                : xdg != null && !xdg.isEmpty() ? Path.of(xdg, "spindelta")
                : home != null && !home.isEmpty() ? Path.of(home, ".cache", "spindelta") : null;
        return root == null ? null : root.resolve("sketches");
    }

    private Path file(PackIndex pack) {
        return dir.resolve(pack.pack() + ".sketch");
    }

    /** The features of each of {@code pack}'s entries (empty for delta chunks), or null if not cached. */
    long[][] load(PackIndex pack) {
        Path f = file(pack);
        try {
            if (!Files.isRegularFile(f)) {
                return null;
            }
            byte[] bytes = Files.readAllBytes(f);
            FieldReader r = MetadataFile.open(bytes, MAGIC, f.toString(), "sketch cache", VERSION);
            String hash = java.util.HexFormat.of().formatHex(r.bytes(32, "pack"));
            int n = r.u32("entry count", PoolFormat.MAX_PIECES);
            if (!hash.equals(pack.pack()) || n != pack.entries().size()) {
                return null;
            }
            long[][] out = new long[n][];
            for (int i = 0; i < n; i++) {
                int k = r.u32("entry " + i + " feature count", Math.min(MAX_FEATURES, r.remaining() / 8));
                ByteBuffer b = ByteBuffer.wrap(r.bytes(k * 8, "entry " + i + " features"));
                out[i] = new long[k];
                b.asLongBuffer().get(out[i]);
            }
            return r.remaining() == 0 ? out : null;
        } catch (IOException | RuntimeException e) {
            return null; // derived data: made again
        }
    }

    /** Keeps {@code features} (one array per entry of {@code pack}) if the cache can be written. */
    void store(PackIndex pack, long[][] features) {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            DataOutputStream out = MetadataFile.start(buf, MAGIC, VERSION);
            out.write(java.util.HexFormat.of().parseHex(pack.pack()));
            out.writeInt(features.length);
            for (long[] f : features) {
                out.writeInt(f.length);
                for (long v : f) {
                    out.writeLong(v);
                }
            }
            Files.createDirectories(dir);
            try (StagedOutput o = StagedOutput.create(file(pack))) {
                ByteBuffer b = ByteBuffer.wrap(MetadataFile.seal(buf));
                while (b.hasRemaining()) {
                    o.channel().write(b);
                }
                o.commit();
            }
        } catch (IOException | RuntimeException e) {
            // not kept: the next add indexes the pack from its segments again
        }
    }
}
