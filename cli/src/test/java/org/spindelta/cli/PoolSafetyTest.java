package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spindelta.core.Progress;
import org.spindelta.squashfs.pool.Pool;
import org.spindelta.squashfs.pool.PoolAdd;
import org.spindelta.squashfs.pool.PoolGc;
import org.spindelta.squashfs.pool.PoolVerify;
import org.spindelta.squashfs.spin.SystemRecompressors;

/**
 * A pool under concurrent writers and crashes: adds from two processes and two threads at once all land,
 * an add or gc that dies at its worst moment leaves every image rebuildable and the recipes unchanged, and
 * gc never removes a chunk a remaining image needs.
 */
class PoolSafetyTest {
    @TempDir
    static Path shared;
    static PoolFamily family;

    @TempDir
    Path dir;

    @BeforeAll
    static void images() throws Exception {
        family = PoolFamily.build(shared);
    }

    private static PoolAdd.Summary add(Pool pool, Path image, String name) throws IOException {
        return PoolAdd.add(pool, image, name, new PoolAdd.Options(2), SystemRecompressors.INSTANCE, Progress.NONE);
    }

    /** Every file of the pool and its bytes' hash, the lock file left out. */
    private static Map<String, String> snapshot(Path pool) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(pool)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p) && !p.getFileName().toString().equals("lock")) {
                    out.put(pool.relativize(p).toString(), org.spindelta.core.Sha256.hex(
                            org.spindelta.core.Sha256.of(p, Progress.NONE)));
                }
            }
        }
        return out;
    }

    private static void assertRebuilds(Pool pool, Path dir, String name, Path original) throws IOException {
        Path out = dir.resolve(name + ".out");
        CliTest.Run g = CliTest.run("pool", "get", "-q", pool.root().toString(), name, out.toString());
        assertEquals(0, g.code(), g::toString);
        assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(out), name);
        Files.delete(out);
    }

    @Test
    void addsFromAnotherProcessAndThreadsAllLand() throws Exception {
        Pool pool = Pool.open(dir.resolve("pool"), true);
        add(pool, family.base, "base");
        // a second JVM adds while this one does: the file lock makes them take turns
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.spindelta.cli.Main", "pool", "add", "-q",
                pool.root().toString(), family.baseGzip.toString(), "--name", "gz")
                .redirectErrorStream(true).start();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<PoolAdd.Summary> a = threads.submit(() -> add(pool, family.loc, "loc"));
            Future<PoolAdd.Summary> b = threads.submit(() -> add(pool, family.upd, "upd"));
            a.get(5, TimeUnit.MINUTES);
            b.get(5, TimeUnit.MINUTES);
        } finally {
            threads.shutdownNow();
        }
        assertTrue(child.waitFor(5, TimeUnit.MINUTES));
        String childOut = new String(child.getInputStream().readAllBytes());
        assertEquals(0, child.exitValue(), childOut);
        assertEquals(List.of("base", "gz", "loc", "upd"), pool.names());
        PoolVerify.Result v = PoolVerify.verify(pool, 2, SystemRecompressors.INSTANCE, Progress.NONE);
        assertTrue(v.ok(), v.problems()::toString);
        assertEquals(4, v.images());
        assertRebuilds(pool, dir, "gz", family.baseGzip);
    }

    @Test
    void anAddThatDiesBeforeItsRecipeLeavesThePoolAsItWas() throws Exception {
        Pool pool = Pool.open(dir.resolve("pool"), true);
        add(pool, family.base, "base");
        Map<String, String> before = snapshot(pool.root());
        IOException crash = assertThrows(IOException.class, () -> PoolAdd.add(pool, family.loc, "loc",
                new PoolAdd.Options(2), SystemRecompressors.INSTANCE, Progress.NONE, () -> {
                    throw new IOException("simulated crash after the pack was written");
                }));
        assertTrue(crash.getMessage().contains("simulated"));
        assertEquals(List.of("base"), pool.names());
        Map<String, String> after = snapshot(pool.root());
        assertTrue(after.size() > before.size(), "the dead add's pack is still there: " + after.keySet());
        after.keySet().retainAll(before.keySet());
        assertEquals(before, after, "no file the pool had was changed");
        assertRebuilds(pool, dir, "base", family.base);
        PoolGc.Summary gc = PoolGc.collect(pool, 2);
        assertEquals(1, gc.packsDeleted());
        assertEquals(before, snapshot(pool.root()), "gc removed exactly what the dead add left");
        add(pool, family.loc, "loc"); // and the same add then succeeds
        assertRebuilds(pool, dir, "loc", family.loc);
    }

    @Test
    void rmAndGcKeepWhatRemainingImagesNeed() throws Exception {
        Pool pool = Pool.open(dir.resolve("pool"), true);
        add(pool, family.base, "base");
        add(pool, family.loc, "loc");
        add(pool, family.upd, "upd");
        long full = sizeOf(pool.root());
        CliTest.Run rm = CliTest.run("pool", "rm", pool.root().toString(), "base");
        assertEquals(0, rm.code(), rm::toString);
        CliTest.assertOneLineError(CliTest.run("pool", "rm", pool.root().toString(), "base"), "no image \"base\"");
        // a gc that dies after copying the live chunks: every image still rebuilds
        assertThrows(IOException.class, () -> PoolGc.collect(pool, 2, () -> {
            throw new IOException("simulated crash after the new pack");
        }));
        assertRebuilds(pool, dir, "loc", family.loc);
        assertRebuilds(pool, dir, "upd", family.upd);
        CliTest.Run gc = CliTest.run("pool", "gc", pool.root().toString());
        assertEquals(0, gc.code(), gc::toString);
        assertTrue(gc.out().contains("packs deleted"), gc::toString);
        assertRebuilds(pool, dir, "loc", family.loc);
        assertRebuilds(pool, dir, "upd", family.upd);
        long after = sizeOf(pool.root());
        assertTrue(after < full, "gc freed nothing: " + after + " of " + full);
        PoolVerify.Result v = PoolVerify.verify(pool, 2, SystemRecompressors.INSTANCE, Progress.NONE);
        assertTrue(v.ok(), v.problems()::toString);
        // nothing left to do: a second gc changes nothing
        Map<String, String> settled = snapshot(pool.root());
        PoolGc.collect(pool, 2);
        assertEquals(settled, snapshot(pool.root()));
        List<String> left = new ArrayList<>(settled.keySet());
        assertTrue(left.stream().noneMatch(f -> f.contains(".part")), left::toString);
    }

    private static long sizeOf(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
