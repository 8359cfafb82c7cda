package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spindelta pool} on a family of real mksquashfs images ({@link PoolFamily}): every image comes back
 * byte for byte, the pool stores far less than the images, the same content under another compressor
 * costs little, and bad pools fail with one line.
 */
class PoolCommandsTest {
    @TempDir
    static Path shared;
    static PoolFamily family;

    @TempDir
    Path dir;

    @BeforeAll
    static void images() throws Exception {
        family = PoolFamily.build(shared);
    }

    private static long size(Path p) throws Exception {
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static CliTest.Run ok(String... args) {
        CliTest.Run r = CliTest.run(args);
        assertEquals(0, r.code(), r::toString);
        return r;
    }

    private Path poolOfFamily() {
        Path pool = dir.resolve("pool");
        ok("pool", "add", "-q", pool.toString(), family.base.toString(), "--name", "base");
        ok("pool", "add", "-q", pool.toString(), family.loc.toString(), "--name", "loc");
        ok("pool", "add", "-q", pool.toString(), family.upd.toString(), "--name", "upd");
        return pool;
    }

    @Test
    void everyImageComesBackByteForByte() throws Exception {
        Path pool = poolOfFamily();
        for (String n : List.of("base", "loc", "upd")) {
            Path out = dir.resolve(n + ".out");
            CliTest.Run g = ok("pool", "get", pool.toString(), n, out.toString());
            assertTrue(g.out().contains("(verified)"), g::toString);
            assertArrayEquals(Files.readAllBytes(shared.resolve(n + ".sqfs")), Files.readAllBytes(out), n);
        }
        long images = Files.size(family.base) + Files.size(family.loc) + Files.size(family.upd);
        assertTrue(size(pool) < images * 6 / 10, "pool " + size(pool) + " of images' " + images);
        CliTest.Run v = ok("pool", "verify", pool.toString());
        assertTrue(v.out().contains("OK: 3 images rebuild"), v::toString);
    }

    @Test
    void changedLibrariesAreStoredAsDeltasAgainstTheirOldVersions() throws Exception {
        Path pool = dir.resolve("pool");
        ok("pool", "add", "-q", pool.toString(), family.base.toString(), "--name", "base");
        long before = size(pool);
        CliTest.Run a = ok("pool", "add", pool.toString(), family.upd.toString(), "--name", "upd");
        Matcher m = Pattern.compile("(\\d+) new chunks \\((\\d+) as deltas\\)").matcher(a.out());
        assertTrue(m.find(), a::toString);
        assertTrue(Integer.parseInt(m.group(2)) > 0, a::toString);
        // the updated spin changes every 4th library a little: whole, its new blocks would cost about what the
        // libraries compress to; as deltas against the base's blocks, a small fraction of that
        long changed = 0;
        try (Stream<Path> s = Files.list(shared.resolve("tree-upd").resolve("lib"))) {
            for (Path lib : (Iterable<Path>) s::iterator) {
                byte[] b = Files.readAllBytes(shared.resolve("tree-base").resolve("lib").resolve(lib.getFileName()));
                if (!java.util.Arrays.equals(b, Files.readAllBytes(lib))) {
                    changed += b.length;
                }
            }
        }
        assertTrue(changed > 0);
        long added = size(pool) - before;
        assertTrue(added < changed / 10, "upd added " + added + " bytes for " + changed + " bytes of changed libraries");
        Path out = dir.resolve("upd.out");
        ok("pool", "get", "-q", pool.toString(), "upd", out.toString());
        assertArrayEquals(Files.readAllBytes(family.upd), Files.readAllBytes(out));
        // the same through a source that holds the base's blocks: the deltas' references come from it
        Files.delete(out);
        CliTest.Run g = ok("pool", "get", pool.toString(), "upd", out.toString(), "--source", family.base.toString());
        assertArrayEquals(Files.readAllBytes(family.upd), Files.readAllBytes(out));
        assertFalse(g.out().contains(": 0 B from sources"), g::toString);
    }

    @Test
    void theSameContentUnderAnotherCompressorCostsLittle() throws Exception {
        Path pool = poolOfFamily();
        long before = size(pool);
        CliTest.Run a = ok("pool", "add", pool.toString(), family.baseGzip.toString(), "--name", "base-gzip");
        long added = size(pool) - before;
        // the data blocks decode to chunks the xz base already stored: only metadata and the recipe are new
        assertTrue(added < Files.size(family.baseGzip) / 10, "gzip base added " + added + " bytes: " + a);
        Path out = dir.resolve("gz.out");
        ok("pool", "get", "-q", pool.toString(), "base-gzip", out.toString());
        assertArrayEquals(Files.readAllBytes(family.baseGzip), Files.readAllBytes(out));
    }

    @Test
    void sourcesSupplyWhatTheyHold() throws Exception {
        Path pool = poolOfFamily();
        Path out = dir.resolve("loc.out");
        CliTest.Run g = ok("pool", "get", pool.toString(), "loc", out.toString(), "--source", family.base.toString());
        assertArrayEquals(Files.readAllBytes(family.loc), Files.readAllBytes(out));
        Matcher m = Pattern.compile("wrote .*: (\\S+ \\S+) from sources, (\\S+ \\S+) from the pool").matcher(g.out());
        assertTrue(m.find(), g::toString);
        assertFalse(m.group(1).startsWith("0 B"), g::toString);
        // a gzip source offers its blocks decoded to the xz recipe
        Path out2 = dir.resolve("base.out");
        CliTest.Run g2 = ok("pool", "get", pool.toString(), "base", out2.toString(), "--source",
                family.baseGzip.toString());
        assertArrayEquals(Files.readAllBytes(family.base), Files.readAllBytes(out2));
        assertFalse(g2.out().contains(": 0 B from sources"), g2::toString);
    }

    /**
     * mksquashfs stores a fragment block as it is when compressing does not shrink it: the tails of already
     * compressed files (man pages, changelogs, fonts). A spin that adds one such file early in the walk
     * shifts every later tail into other blocks; cut into its tails' groups, the shifted content is found
     * in the pool and in a source again.
     */
    @Test
    void uncompressedFragmentBlocksAreCutIntoTheirTails() throws Exception {
        // small pages, so that blocks hold dozens of tails and a shift does not fall into step again soon
        List<Path> pages;
        try (Stream<Path> s = Files.list(Path.of("/usr/share/man/man1"))) {
            pages = s.filter(f -> f.toString().endsWith(".gz") && Files.isRegularFile(f)).filter(f -> {
                long n = f.toFile().length();
                return n >= 500 && n <= 8000;
            }).sorted().limit(412).toList();
        }
        assertEquals(412, pages.size(), "real compressed man pages in /usr/share/man/man1");
        Path base = dir.resolve("tree-base");
        Path spin = dir.resolve("tree-spin");
        long pageBytes = 0;
        for (int i = 0; i < 400; i++) {
            byte[] b = Files.readAllBytes(pages.get(i));
            pageBytes += b.length;
            for (Path t : List.of(base, spin)) {
                Files.createDirectories(t.resolve("man"));
                Files.write(t.resolve("man").resolve(String.format("p%04d.gz", i * 10)), b);
            }
        }
        for (int i = 0; i < 12; i++) { // new pages first in the walk: every later tail moves
            Files.copy(pages.get(400 + i), spin.resolve("man").resolve(String.format("p0000-%02d.gz", i)));
        }
        Path baseImage = dir.resolve("base.sqfs");
        Path spinImage = dir.resolve("spin.sqfs");
        PoolFamily.mksquashfs(base, baseImage, "xz");
        PoolFamily.mksquashfs(spin, spinImage, "xz");
        CliTest.Run chunks = ok("sqfs", "chunks", "-q", spinImage.toString());
        long raw = chunks.out().lines().filter(l -> l.contains("fragment block") && l.contains(" raw ")).count();
        assertTrue(raw > 3, "the premise: the spin has uncompressed fragment blocks\n" + chunks.out());

        Path pool = dir.resolve("pool");
        ok("pool", "add", "-q", pool.toString(), baseImage.toString(), "--name", "base");
        long before = size(pool);
        ok("pool", "add", "-q", pool.toString(), spinImage.toString(), "--name", "spin");
        long added = size(pool) - before;
        // the three new pages, the groups they break up, the metadata and the recipe; whole blocks would be
        // nearly every page again
        assertTrue(added < pageBytes / 5, "spin added " + added + " bytes to " + pageBytes + " bytes of pages");
        Path out = dir.resolve("spin.out");
        CliTest.Run g = ok("pool", "get", pool.toString(), "spin", out.toString(), "--source", baseImage.toString());
        assertArrayEquals(Files.readAllBytes(spinImage), Files.readAllBytes(out));
        Matcher m = Pattern.compile("wrote .*: (\\S+) (\\S+) from sources, (\\S+) (\\S+) from the pool").matcher(g.out());
        assertTrue(m.find(), g::toString);
        long fromSources = org.spindelta.core.ByteSize.parse(m.group(1) + m.group(2));
        long fromPool = org.spindelta.core.ByteSize.parse(m.group(3) + m.group(4));
        // the shifted blocks are rebuilt from the base's tails: only the groups holding the new pages are fetched
        assertTrue(fromPool < fromSources / 4, g::toString);
        CliTest.Run v = ok("pool", "verify", pool.toString());
        assertTrue(v.out().contains("OK: 2 images rebuild"), v::toString);
    }

    @Test
    void lsAndStatsShowEachImage() throws Exception {
        Path pool = poolOfFamily();
        CliTest.Run ls = ok("pool", "ls", pool.toString());
        assertEquals(4, ls.out().lines().count(), ls::toString);
        assertTrue(ls.out().contains("loc") && ls.out().contains(Long.toString(Files.size(family.loc))), ls::toString);
        CliTest.Run st = ok("pool", "stats", pool.toString());
        assertTrue(st.out().contains("images: 3, " + (Files.size(family.base) + Files.size(family.loc)
                + Files.size(family.upd)) + " bytes"), st::toString);
        Matcher m = Pattern.compile("stored: (\\d+) bytes").matcher(st.out());
        assertTrue(m.find(), st::toString);
        assertEquals(size(pool), Long.parseLong(m.group(1)), st::toString);
    }

    @Test
    void badPoolsFailWithOneLine() throws Exception {
        Path pool = poolOfFamily();
        Path out = dir.resolve("out");
        CliTest.assertOneLineError(CliTest.run("pool", "get", pool.toString(), "nope", out.toString()), "no image \"nope\"");
        CliTest.assertOneLineError(CliTest.run("pool", "get", pool.toString(), "../etc/x", out.toString()),
                "bad image name");
        CliTest.assertOneLineError(CliTest.run("pool", "ls", dir.toString()), "is not a pool");
        CliTest.assertOneLineError(CliTest.run("pool", "add", pool.toString(), family.loc.toString(), "--name", "loc"),
                "already has an image \"loc\"");

        Path recipe = pool.resolve("images/loc.recipe");
        byte[] good = Files.readAllBytes(recipe);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 1;
        Files.write(recipe, bad);
        CliTest.assertOneLineError(CliTest.run("pool", "get", pool.toString(), "loc", out.toString()), "damaged");
        Files.write(recipe, java.util.Arrays.copyOf(good, 40));
        CliTest.assertOneLineError(CliTest.run("pool", "get", pool.toString(), "loc", out.toString()));
        Files.write(recipe, good);

        // a flipped byte in a pack: get refuses, verify names it, nothing is written
        Path pack;
        try (Stream<Path> s = Files.list(pool.resolve("packs"))) {
            pack = s.filter(p -> p.toString().endsWith(".pack")).sorted((x, y) -> Long.compare(y.toFile().length(),
                    x.toFile().length())).findFirst().orElseThrow();
        }
        byte[] p = Files.readAllBytes(pack);
        p[p.length / 3] ^= 0x10;
        Files.write(pack, p);
        CliTest.assertOneLineError(CliTest.run("pool", "get", pool.toString(), "base", out.toString()), "damaged");
        assertFalse(Files.exists(out));
        CliTest.Run v = CliTest.run("pool", "verify", pool.toString());
        assertEquals(1, v.code(), v::toString);
        assertTrue(v.err().contains("pack " + pack.getFileName().toString().replace(".pack", "")), v::toString);
    }
}
