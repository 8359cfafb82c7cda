package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code spindelta sqfs info} against {@code unsquashfs -s} on images mksquashfs makes. */
class SqfsInfoTest {
    @TempDir
    Path dir;

    /** The tool's path; fails on CI (which installs squashfs-tools), skips elsewhere. */
    static Path require(String tool) {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/sbin:/bin:/sbin").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, tool);
            if (!d.isEmpty() && Files.isExecutable(p)) {
                return p;
            }
        }
        if (System.getenv("CI") != null) {
            fail(tool + " is not installed; .ci/run must install it");
        }
        assumeTrue(false, tool + " is not installed (apt-get install squashfs-tools)");
        return null;
    }

    /** Runs a peer with TZ=UTC; returns its output, failing unless it exits 0. */
    String peer(String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "peer", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().put("TZ", "UTC");
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("timed out: " + List.of(cmd));
        }
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + "\n" + text);
        return text;
    }

    Path image(String name, String... options) throws IOException, InterruptedException {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("hello.txt"), "hello, squashfs\n".repeat(100));
        Files.write(src.resolve("noise.bin"), CliTest.random(300_000, 5));
        Files.createDirectories(src.resolve("sub/dir"));
        Files.writeString(src.resolve("sub/dir/tail.txt"), "tail");
        Path img = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of(require("mksquashfs").toString(), src.toString(), img.toString(),
                "-noappend", "-no-progress", "-processors", "1"));
        cmd.addAll(List.of(options));
        peer(cmd.toArray(String[]::new));
        return img;
    }

    /** Every line unsquashfs -s prints, in order, then our table positions. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-comp gzip -Xcompression-level 1", "-comp xz -Xbcj x86", "-comp lz4 -Xhc",
        "-comp lzo -Xalgorithm lzo1x_1", "-comp zstd", "-comp lzma", "-comp gzip -noI -noD -noF -noX -no-exports"})
    void printsWhatUnsquashfsPrints(String options) throws Exception {
        Path img = image("img.sqfs", options.split(" "));
        List<String> theirs = peer(require("unsquashfs").toString(), "-s", img.toString()).lines().toList();
        CliTest.Run r = CliTest.run("sqfs", "info", img.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), r::toString);
        List<String> ours = r.out().lines().toList();
        assertTrue(ours.size() > theirs.size(), r::toString);
        assertEquals(theirs, ours.subList(0, theirs.size()), () -> "unsquashfs -s:\n" + String.join("\n", theirs)
                + "\nspindelta sqfs info:\n" + r.out());
        assertTrue(r.out().contains("Inode table start "), r::toString);
        assertTrue(r.out().contains("Id table start "), r::toString);
    }

    @Test
    void keyFieldsOfADefaultImage() throws Exception {
        Path img = image("default.sqfs");
        CliTest.Run r = CliTest.run("sqfs", "info", img.toString());
        assertEquals(0, r.code(), r::toString);
        String out = r.out();
        assertTrue(out.contains("Compression gzip\n"), out);
        assertTrue(out.contains("Block size 131072\n"), out);
        assertTrue(out.contains("Number of inodes 6\n"), out);
        long bytesUsed = org.spindelta.core.LittleEndian.getLong(Files.readAllBytes(img), 40);
        assertTrue(out.contains("Filesystem size " + bytesUsed + " bytes ("), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("Fragment table start ")), out);
    }

    @Test
    void notAnImageIsOneLineAndExitOne() throws IOException {
        Path p = dir.resolve("notes.txt");
        Files.writeString(p, "these are not the bytes you are looking for\n".repeat(10));
        CliTest.Run r = CliTest.run("sqfs", "info", p.toString());
        CliTest.assertOneLineError(r, "not a SquashFS image", "notes.txt");
        assertEquals("", r.out());
    }

    @Test
    void truncatedImageIsOneLineAndExitOne() throws Exception {
        Path img = image("cut.sqfs");
        byte[] b = Files.readAllBytes(img);
        Files.write(img, java.util.Arrays.copyOf(b, 200));
        CliTest.assertOneLineError(CliTest.run("sqfs", "info", img.toString()), "bytes_used", "truncated");
    }

    @Test
    void missingImageIsOneLine() {
        CliTest.assertOneLineError(CliTest.run("sqfs", "info", dir.resolve("nope.sqfs").toString()), "nope.sqfs",
                "does not exist");
    }

    @Test
    void sqfsWithoutSubcommandIsAUsageError() {
        assertEquals(2, CliTest.run("sqfs").code());
    }

    @Test
    void helpListsInfo() {
        CliTest.Run r = CliTest.run("sqfs", "--help");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("info"), r::toString);
        assertEquals(0, CliTest.run("sqfs", "info", "--help").code());
        assertTrue(CliTest.run("--help").out().contains("sqfs"));
    }

    @Test
    void sizesRoundLikePrintf() {
        // 1152 bytes = 1.125 KiB exactly: glibc prints 1.12 (half to even), Java's %.2f would print 1.13
        assertEquals("1.12", SqfsInfoCommand.scaled(1152, 1024));
        assertEquals("1.38", SqfsInfoCommand.scaled(1408, 1024));
        assertEquals("0.00", SqfsInfoCommand.scaled(4096, 1 << 20));
    }
}
