package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code spindelta sqfs cat}: the bytes of regular files, and one-line errors for anything else. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqfsCatTest {
    private Path dir;
    private Path tree;
    private final OutputStream saved = SqfsCatCommand.stdout;

    @BeforeAll
    void buildTree(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        SqfsInfoTest.require("mksquashfs");
        tree = Files.createDirectories(dir.resolve("tree"));
        Path gen = Files.createDirectories(tree.resolve("gen"));
        for (int size : List.of(0, 1, 4096, 131072, 131073, 300000)) {
            Files.write(gen.resolve("size-" + size), CliTest.random(size, size));
        }
        try (RandomAccessFile f = new RandomAccessFile(gen.resolve("sparse").toFile(), "rw")) {
            f.setLength(1_000_000);
            f.seek(500_000);
            f.write(0xFF);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 300_000; i++) {
            text.append("line ").append(i).append(" of a compressible text file\n");
        }
        Files.writeString(gen.resolve("text"), text);
        Files.createSymbolicLink(gen.resolve("link"), Path.of("size-1"));
        Process p = new ProcessBuilder("mkfifo", gen.resolve("fifo").toString()).start();
        p.waitFor(1, TimeUnit.MINUTES);
    }

    @AfterEach
    void restore() {
        SqfsCatCommand.stdout = saved;
    }

    private Path image(String options) throws Exception {
        Path img = dir.resolve("img-" + options.replaceAll("[^A-Za-z0-9]+", "_") + ".sqfs");
        if (!Files.exists(img)) {
            List<String> cmd = new java.util.ArrayList<>(List.of(SqfsInfoTest.require("mksquashfs").toString(),
                    tree.toString(), img.toString(), "-noappend", "-no-progress", "-processors", "2"));
            cmd.addAll(List.of(options.split(" ")));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(5, TimeUnit.MINUTES);
            assertEquals(0, p.exitValue(), String.join(" ", cmd));
        }
        return img;
    }

    @ParameterizedTest
    @ValueSource(strings = {"-comp gzip", "-comp zstd -b 4K", "-comp xz -no-fragments"})
    void writesTheFileBytes(String options) throws Exception {
        Path img = image(options);
        for (String name : List.of("size-0", "size-1", "size-4096", "size-131072", "size-131073", "size-300000",
                "sparse", "text")) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            SqfsCatCommand.stdout = bytes;
            CliTest.Run r = CliTest.run("sqfs", "cat", img.toString(), "gen/" + name);
            assertEquals(0, r.code(), r::toString);
            assertEquals("", r.err(), r::toString);
            assertEquals("", r.out(), r::toString);
            assertArrayEquals(Files.readAllBytes(tree.resolve("gen").resolve(name)), bytes.toByteArray(), name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gen", "/", "gen/link", "gen/fifo"})
    void nonRegularFileIsAnError(String path) throws Exception {
        Path img = image("-comp gzip");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SqfsCatCommand.stdout = bytes;
        CliTest.Run r = CliTest.run("sqfs", "cat", img.toString(), path);
        CliTest.assertOneLineError(r, "not a regular file");
        assertEquals(0, bytes.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gen/missing", "nope", "gen/size-1/below"})
    void missingFileIsAnError(String path) throws Exception {
        Path img = image("-comp gzip");
        CliTest.Run r = CliTest.run("sqfs", "cat", img.toString(), path);
        CliTest.assertOneLineError(r, "no such file in", path);
    }

    @org.junit.jupiter.api.Test
    void corruptBlockIsAOneLineError() throws Exception {
        Path img = image("-comp gzip");
        long at;
        int stored;
        try (var image = org.spindelta.squashfs.read.SquashfsImage.open(img);
                var t = org.spindelta.squashfs.read.SquashfsTree.open(image)) {
            var f = (org.spindelta.squashfs.format.Inode.File) t.lookup("gen/text").orElseThrow().inode();
            at = f.blocksStart();
            assertEquals(0, f.blockSizes()[0] & (1 << 24), "block 0 is compressed");
            stored = f.blockSizes()[0] & 0xFFFFFF;
        }
        byte[] all = Files.readAllBytes(img);
        for (int i = stored / 2; i < stored / 2 + 32; i++) {
            all[(int) at + i] ^= 0x33;
        }
        Path bad = dir.resolve("corrupt.sqfs");
        Files.write(bad, all);
        SqfsCatCommand.stdout = OutputStream.nullOutputStream();
        CliTest.assertOneLineError(CliTest.run("sqfs", "cat", bad.toString(), "gen/text"), "gen/text",
                "block 0");
    }
}
