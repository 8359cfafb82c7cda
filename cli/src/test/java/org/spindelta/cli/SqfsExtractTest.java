package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;

/** {@code spindelta sqfs extract}: exit codes, one-line errors, help, and what lands in DIR. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqfsExtractTest {
    private Path dir;
    private Path tree;
    private Path image;
    private int outputs;

    @BeforeAll
    void buildImage(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        tree = Files.createDirectories(dir.resolve("tree"));
        Path gen = Files.createDirectories(tree.resolve("gen"));
        byte[] big = CliTest.random(700_000, 5);
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + (big[i] & 7)); // compressible, so its blocks are stored compressed
        }
        Files.write(gen.resolve("big"), big);
        Files.writeString(gen.resolve("small"), "small\n");
        Files.createSymbolicLink(gen.resolve("link"), Path.of("small"));
        Files.createDirectories(tree.resolve("other"));
        Files.writeString(tree.resolve("other/file"), "other\n");
        image = dir.resolve("img.sqfs");
        List<String> cmd = new ArrayList<>(List.of(SqfsInfoTest.require("mksquashfs").toString(), tree.toString(),
                image.toString(), "-noappend", "-no-progress", "-processors", "2", "-comp", "gzip"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        p.waitFor(5, TimeUnit.MINUTES);
        assertEquals(0, p.exitValue(), String.join(" ", cmd));
    }

    /** A fresh DIR (not yet created) in a directory of its own. */
    private Path newOutput() throws Exception {
        return Files.createDirectories(dir.resolve("run-" + ++outputs)).resolve("out");
    }

    private static List<String> list(Path parent) throws Exception {
        try (Stream<Path> s = Files.list(parent)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void extractsTheImageAndSaysWhat() throws Exception {
        Path out = newOutput();
        CliTest.Run r = CliTest.run("sqfs", "extract", "--threads", "2", image.toString(), out.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), r::toString);
        assertEquals("extracted 3 files (684 KiB), 2 directories, 1 symlink, 0 hard links into " + out + "\n", r.out());
        assertEquals(-1, Files.mismatch(tree.resolve("gen/big"), out.resolve("gen/big")));
        assertEquals(Path.of("small"), Files.readSymbolicLink(out.resolve("gen/link")));
    }

    @Test
    void quietPrintsNothingAndPathsSelect() throws Exception {
        Path out = newOutput();
        CliTest.Run r = CliTest.run("sqfs", "extract", "-q", image.toString(), out.toString(), "other/file", "gen/link");
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.out() + r.err(), r::toString);
        assertEquals(List.of("gen", "other"), list(out));
        assertEquals(List.of("link"), list(out.resolve("gen")));
        assertEquals(List.of("file"), list(out.resolve("other")));
    }

    @Test
    void helpDescribesTheCommand() {
        CliTest.Run r = CliTest.run("sqfs", "extract", "--help");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Usage: spindelta sqfs extract"), r::toString);
        assertTrue(r.out().contains("--threads=N"), r::toString);
        assertTrue(r.out().contains("[PATH...]"), r::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--threads 0", "--threads x", "PATH /gen", "PATH gen/../other", "", "IMAGE-ONLY"})
    void badUsageExitsTwo(String args) throws Exception {
        Path out = newOutput();
        List<String> a = new ArrayList<>(List.of("sqfs", "extract"));
        if (args.startsWith("--threads")) {
            a.addAll(List.of(args.split(" ")));
            a.addAll(List.of(image.toString(), out.toString()));
        } else if (args.startsWith("PATH")) {
            a.addAll(List.of(image.toString(), out.toString(), args.substring(5)));
        } else if (args.equals("IMAGE-ONLY")) {
            a.add(image.toString());
        }
        CliTest.Run r = CliTest.run(a.toArray(String[]::new));
        assertEquals(2, r.code(), r::toString);
        assertFalse(Files.exists(out, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aMissingPathIsAnError() throws Exception {
        Path out = newOutput();
        CliTest.assertOneLineError(CliTest.run("sqfs", "extract", image.toString(), out.toString(), "gen/nope"),
                "no such file in the image: gen/nope");
        assertEquals(List.of(), list(out.getParent()));
    }

    @Test
    void aNonEmptyDirIsRefused() throws Exception {
        Path out = Files.createDirectories(newOutput());
        Files.writeString(out.resolve("mine"), "mine\n");
        CliTest.assertOneLineError(CliTest.run("sqfs", "extract", image.toString(), out.toString()), "is not empty");
        assertEquals(List.of("mine"), list(out));
    }

    @Test
    void aMissingParentIsRefused() throws Exception {
        Path out = dir.resolve("nowhere/out");
        CliTest.assertOneLineError(CliTest.run("sqfs", "extract", image.toString(), out.toString()),
                "parent directory", "does not exist");
    }

    @Test
    void notAnImageIsAnError() throws Exception {
        Path bogus = dir.resolve("bogus.sqfs");
        Files.write(bogus, CliTest.random(4096, 9));
        Path out = newOutput();
        CliTest.assertOneLineError(CliTest.run("sqfs", "extract", bogus.toString(), out.toString()),
                "not a SquashFS image");
        assertEquals(List.of(), list(out.getParent()));
    }

    @Test
    void aCorruptBlockIsAOneLineErrorAndLeavesNothing() throws Exception {
        long at;
        int stored;
        try (SquashfsImage img = SquashfsImage.open(image); SquashfsTree t = SquashfsTree.open(img)) {
            Inode.File f = (Inode.File) t.lookup("gen/big").orElseThrow().inode();
            at = f.blocksStart() + (f.blockSizes()[0] & 0xFFFFFF);
            stored = f.blockSizes()[1] & 0xFFFFFF;
            assertEquals(0, f.blockSizes()[1] & (1 << 24), "block 1 is compressed");
        }
        byte[] all = Files.readAllBytes(image);
        for (int i = stored / 2; i < stored / 2 + 32; i++) {
            all[(int) at + i] ^= 0x33;
        }
        Path bad = dir.resolve("corrupt.sqfs");
        Files.write(bad, all);
        Path out = newOutput();
        CliTest.assertOneLineError(CliTest.run("sqfs", "extract", bad.toString(), out.toString()), "gen/big",
                "block 1");
        assertEquals(List.of(), list(out.getParent()));
    }
}
