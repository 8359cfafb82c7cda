package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pool export}: images of a pool as .jigdo/.template pairs whose parts are the pool's chunks, rebuilt
 * by Debian's jigdo-file and by ours from nothing but the exported directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolExportTest {
    private Path dir;
    private PoolFamily family;
    private Path pool;
    private Path out;
    private CliTest.Run locExport;

    @BeforeAll
    void poolOfTwo(@TempDir Path tmp) throws Exception {
        dir = tmp;
        family = PoolFamily.build(Files.createDirectories(dir.resolve("family")));
        pool = dir.resolve("pool");
        assertEquals(0, CliTest.run("pool", "add", "-q", pool.toString(), family.base.toString(), "--name", "base").code());
        assertEquals(0, CliTest.run("pool", "add", "-q", pool.toString(), family.loc.toString(), "--name", "loc").code());
        out = dir.resolve("export");
        CliTest.Run b = CliTest.run("pool", "export", pool.toString(), "base", out.toString());
        assertEquals(0, b.code(), b::toString);
        locExport = CliTest.run("pool", "export", pool.toString(), "loc", out.toString());
        assertEquals(0, locExport.code(), locExport::toString);
    }

    @Test
    void jigdoFileRebuildsEachImageFromThePartsAlone() throws Exception {
        Path jigdoFile = SqfsInfoTest.require("jigdo-file");
        for (String name : List.of("base", "loc")) {
            Path image = dir.resolve(name + ".jigdo-file.img");
            run(jigdoFile.toString(), "make-image", "--force", "--image=" + image, "--jigdo=" + out.resolve(name + ".jigdo"),
                    "--template=" + out.resolve(name + ".template"), out.resolve("parts").toString());
            assertArrayEquals(Files.readAllBytes(name.equals("base") ? family.base : family.loc),
                    Files.readAllBytes(image), name);
            run(jigdoFile.toString(), "verify", "--image=" + image, "--template=" + out.resolve(name + ".template"));
        }
    }

    @Test
    void oursRebuildsThroughTheJigdoFilesServers() throws Exception {
        Path image = dir.resolve("loc.ours.img");
        CliTest.Run r = CliTest.run("jigdo", "make-image", "-q", out.resolve("loc.jigdo").toString(), image.toString());
        assertEquals(0, r.code(), r::toString);
        assertArrayEquals(Files.readAllBytes(family.loc), Files.readAllBytes(image));
    }

    @Test
    void imagesShareTheirCommonParts() throws Exception {
        List<String> baseParts = parts("base");
        List<String> locParts = parts("loc");
        assertTrue(baseParts.size() >= 10, () -> "the base has many parts: " + baseParts.size());
        long shared = locParts.stream().filter(baseParts::contains).count();
        assertTrue(shared >= 10, () -> "the unchanged libraries' blocks are the base's parts: " + shared);
        assertTrue(locExport.out().contains(" " + (locParts.size() - shared) + " part files new"),
                () -> "loc's export writes only the parts the base's did not: " + locExport);
        long files;
        try (Stream<Path> s = Files.walk(out.resolve("parts"))) {
            files = s.filter(Files::isRegularFile).count();
        }
        assertEquals(java.util.stream.Stream.concat(baseParts.stream(), locParts.stream()).distinct().count(), files,
                "one file per distinct part, nothing else");
    }

    @Test
    void aDamagedPartFileIsWrittenAgain() throws Exception {
        Path export = dir.resolve("export-damaged");
        assertEquals(0, CliTest.run("pool", "export", "-q", pool.toString(), "base", export.toString()).code());
        Path part;
        try (Stream<Path> s = Files.walk(export.resolve("parts"))) {
            part = s.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        byte[] good = Files.readAllBytes(part);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 1;
        Files.write(part, bad);
        CliTest.Run r = CliTest.run("pool", "export", pool.toString(), "base", export.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("1 part files new"), r::toString);
        assertArrayEquals(good, Files.readAllBytes(part));
    }

    @Test
    void anUnknownImageIsOneLineAndWritesNothing() throws Exception {
        Path export = dir.resolve("export-none");
        CliTest.assertOneLineError(CliTest.run("pool", "export", pool.toString(), "nosuch", export.toString()), "nosuch");
        assertFalse(Files.exists(export.resolve("nosuch.jigdo")));
    }

    /** The part locations of an exported .jigdo, in order. */
    private List<String> parts(String name) throws Exception {
        List<String> out = new ArrayList<>();
        boolean inParts = false;
        for (String line : Files.readAllLines(this.out.resolve(name + ".jigdo"))) {
            if (line.startsWith("[")) {
                inParts = line.equals("[Parts]");
            } else if (inParts && line.contains("=Pool:parts/")) {
                out.add(line.substring(line.indexOf('=') + 1));
            }
        }
        return out;
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", cmd));
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + "\n" + text);
    }
}
