package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pool get} from a pool URL on a loopback mirror ({@link PoolMirror}): byte-identical images,
 * only what the local sources lack goes over the wire, an interrupted get resumes from its cache, and a
 * server that ignores Range or damages bytes is refused with one line.
 */
class PoolHttpTest {
    @TempDir
    static Path shared;
    static PoolFamily family;
    static Path pool;

    @TempDir
    Path dir;

    @BeforeAll
    static void images() throws Exception {
        family = PoolFamily.build(shared);
        pool = shared.resolve("pool");
        for (Path img : new Path[] {family.base, family.loc, family.upd}) {
            CliTest.Run r = CliTest.run("pool", "add", "-q", pool.toString(), img.toString());
            assertEquals(0, r.code(), r::toString);
        }
    }

    private static long fetched(CliTest.Run r) {
        Matcher m = Pattern.compile("fetched \\S+ \\S+ \\((\\d+) bytes\\)").matcher(r.out());
        assertTrue(m.find(), r::toString);
        return Long.parseLong(m.group(1));
    }

    @Test
    void getOverHttpFetchesOnlyWhatSourcesLack() throws Exception {
        try (PoolMirror mirror = new PoolMirror(pool, 0)) {
            Path whole = dir.resolve("upd-whole.sqfs");
            CliTest.Run all = CliTest.run("pool", "get", mirror.url(), "upd", whole.toString());
            assertEquals(0, all.code(), all::toString);
            assertArrayEquals(Files.readAllBytes(family.upd), Files.readAllBytes(whole));
            assertTrue(mirror.rangeRequests.get() > 0);

            Path out = dir.resolve("upd.sqfs");
            CliTest.Run g = CliTest.run("pool", "get", mirror.url(), "upd", out.toString(), "--source",
                    family.loc.toString());
            assertEquals(0, g.code(), g::toString);
            assertArrayEquals(Files.readAllBytes(family.upd), Files.readAllBytes(out));
            assertTrue(fetched(g) <= fetched(all), "with source " + fetched(g) + ", without " + fetched(all));
            // a source holding every block: only the recipe and the indexes cross the wire, no pack byte
            int ranges = mirror.rangeRequests.get();
            Files.delete(out);
            CliTest.Run self = CliTest.run("pool", "get", mirror.url(), "upd", out.toString(), "--source",
                    family.upd.toString());
            assertEquals(0, self.code(), self::toString);
            assertArrayEquals(Files.readAllBytes(family.upd), Files.readAllBytes(out));
            assertEquals(ranges, mirror.rangeRequests.get(), self::toString);
            assertTrue(fetched(self) < fetched(all) / 4, self::toString);
            try (Stream<Path> s = Files.list(dir)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".pool-cache")), "cache removed");
            }
        }
    }

    @Test
    void anInterruptedGetResumesFromItsCache() throws Exception {
        Path cache = dir.resolve("cache");
        Path out = dir.resolve("loc.sqfs");
        try (PoolMirror mirror = new PoolMirror(pool, 0)) {
            mirror.dieAfter = 1;
            CliTest.Run first = CliTest.run("pool", "get", mirror.url(), "loc", out.toString(), "--cache",
                    cache.toString(), "--connections", "1");
            CliTest.assertOneLineError(first, "does not exist");
            assertFalse(Files.exists(out));
            long kept;
            try (Stream<Path> s = Files.list(cache)) {
                kept = s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
            }
            assertTrue(kept >= 1, "the segments fetched before the failure are kept");
            mirror.dieAfter = -1;
            int before = mirror.rangeRequests.get();
            CliTest.Run again = CliTest.run("pool", "get", mirror.url(), "loc", out.toString(), "--cache",
                    cache.toString());
            assertEquals(0, again.code(), again::toString);
            assertArrayEquals(Files.readAllBytes(family.loc), Files.readAllBytes(out));
            // a third get with the full cache fetches no segment at all
            int after = mirror.rangeRequests.get();
            assertTrue(after > before);
            Files.delete(out);
            CliTest.Run third = CliTest.run("pool", "get", mirror.url(), "loc", out.toString(), "--cache",
                    cache.toString());
            assertEquals(0, third.code(), third::toString);
            assertEquals(after, mirror.rangeRequests.get());
        }
    }

    @Test
    void badServersAreRefused() throws Exception {
        Path out = dir.resolve("x.sqfs");
        try (PoolMirror mirror = new PoolMirror(pool, 0)) {
            mirror.fault = PoolMirror.Fault.IGNORE_RANGE;
            CliTest.assertOneLineError(CliTest.run("pool", "get", mirror.url(), "base", out.toString()),
                    "must answer Range requests with 206");
            mirror.fault = PoolMirror.Fault.CORRUPT;
            CliTest.assertOneLineError(CliTest.run("pool", "get", mirror.url(), "base", out.toString()));
            CliTest.assertOneLineError(CliTest.run("pool", "get", mirror.url(), "nope", out.toString()),
                    "no image \"nope\"");
            assertFalse(Files.exists(out));
        }
    }
}
