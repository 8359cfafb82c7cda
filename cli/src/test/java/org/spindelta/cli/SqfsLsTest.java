package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
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

/**
 * {@code spindelta sqfs ls [-l]} against {@code unsquashfs -l} / {@code -lls} (TZ=UTC, LC_ALL=C), line
 * for line, on images of a tree with every file kind, for every compressor and the layout options.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqfsLsTest {
    private Path dir;
    private Path tree;
    private boolean device;

    @BeforeAll
    void buildTree(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        SqfsInfoTest.require("mksquashfs");
        tree = Files.createDirectories(dir.resolve("tree"));
        Path gen = Files.createDirectories(tree.resolve("gen"));
        for (int size : List.of(0, 1, 4096, 131072, 131073, 200000)) {
            Files.write(gen.resolve("size-" + size), CliTest.random(size, size));
        }
        try (RandomAccessFile f = new RandomAccessFile(gen.resolve("sparse").toFile(), "rw")) {
            f.setLength(2_000_000);
            f.seek(1_000_000);
            f.write(1);
        }
        Files.writeString(gen.resolve("hard-a"), "hard\n");
        Files.createLink(gen.resolve("hard-b"), gen.resolve("hard-a"));
        Files.createSymbolicLink(gen.resolve("link"), Path.of("../some/target"));
        Files.writeString(gen.resolve("L".repeat(255)), "long\n");
        Path d = gen.resolve("nest");
        for (int i = 0; i < 30; i++) {
            d = d.resolve("level-" + i + "-padded-name");
        }
        Files.createDirectories(d);
        Path many = Files.createDirectories(gen.resolve("many"));
        for (int i = 0; i < 400; i++) {
            Files.writeString(many.resolve(String.format("entry-%04d-padding-padding", i)), i % 2 == 0 ? "" : "v" + i);
        }
        Path owned = gen.resolve("owned");
        Files.writeString(owned, "o\n");
        shell("chown", "12345:54321", owned.toString());
        Path suid = gen.resolve("setuid");
        Files.writeString(suid, "s\n");
        shell("chmod", "6754", suid.toString());
        Path sticky = Files.createDirectories(gen.resolve("sticky"));
        shell("chmod", "1776", sticky.toString());
        shell("mkfifo", gen.resolve("fifo").toString());
        device = shell("mknod", gen.resolve("chardev").toString(), "c", "4", "300");
        Path x = gen.resolve("xattr");
        Files.writeString(x, "x\n");
        try {
            Files.getFileAttributeView(x, UserDefinedFileAttributeView.class)
                    .write("x", ByteBuffer.wrap("v".getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            // no user xattrs on this filesystem: the file is plain
        }
        Path json = Path.of("/usr/lib/python3.11/json");
        if (Files.isDirectory(json)) {
            try (Stream<Path> s = Files.walk(json)) {
                for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                    Path dst = tree.resolve("real").resolve(json.relativize(p).toString());
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectories(dst);
                    } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        Files.copy(p, dst, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
    }

    private static boolean shell(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0;
    }

    private Path image(String options) throws Exception {
        Path img = dir.resolve("img-" + options.replaceAll("[^A-Za-z0-9]+", "_") + ".sqfs");
        if (!Files.exists(img)) {
            List<String> cmd = new ArrayList<>(List.of(SqfsInfoTest.require("mksquashfs").toString(), tree.toString(),
                    img.toString(), "-noappend", "-no-progress", "-processors", "2"));
            cmd.addAll(List.of(options.split(" ")));
            peer(cmd.toArray(String[]::new));
        }
        return img;
    }

    private String peer(String... cmd) throws Exception {
        Path out = Files.createTempFile(dir, "peer", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().put("TZ", "UTC");
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out");
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + "\n" + text);
        return text;
    }

    private List<String> unsquashfs(String flag, Path img, String... paths) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(SqfsInfoTest.require("unsquashfs").toString(), flag, "-d",
                "squashfs-root", img.toString()));
        cmd.addAll(List.of(paths));
        return peer(cmd.toArray(String[]::new)).lines().filter(l -> l.contains("squashfs-root")).toList();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-comp gzip", "-comp lzma", "-comp lzo", "-comp xz", "-comp lz4", "-comp zstd",
        "-comp gzip -b 4K", "-comp zstd -no-fragments", "-comp lz4 -always-use-fragments",
        "-comp gzip -noI -noD -noF -noX"})
    void longListingMatchesUnsquashfsLls(String options) throws Exception {
        Path img = image(options);
        List<String> theirs = unsquashfs("-lls", img);
        CliTest.Run r = CliTest.run("sqfs", "ls", "-l", img.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), r::toString);
        assertEquals(String.join("\n", theirs), String.join("\n", r.out().lines().toList()));
        assertTrue(theirs.size() > 460, "listing has " + theirs.size() + " lines");
        if (device) {
            // mknod c 4 300: rdev is new_encode_dev's 0x10142C, and unsquashfs 4.5.1 prints rdev >> 8 and
            // rdev & 0xff, so the high minor bits show up in the major column
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("crw-r--r-- root/root") && l.contains("4100, 44 ")),
                    r::toString);
        }
        assertTrue(r.out().contains(" 12345/54321 "), r::toString);
        assertTrue(r.out().contains("-rwsr-sr-- "), r::toString);
        assertTrue(r.out().contains("drwxrwxrwT "), r::toString);
    }

    @Test
    void shortListingAndSubtreeMatchUnsquashfs() throws Exception {
        Path img = image("-comp gzip");
        CliTest.Run r = CliTest.run("sqfs", "ls", img.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals(unsquashfs("-l", img), r.out().lines().toList());
        CliTest.Run sub = CliTest.run("sqfs", "ls", "-l", img.toString(), "gen/nest/level-0-padded-name");
        assertEquals(0, sub.code(), sub::toString);
        assertEquals(unsquashfs("-lls", img, "gen/nest/level-0-padded-name"), sub.out().lines().toList());
        CliTest.Run file = CliTest.run("sqfs", "ls", img.toString(), "gen/link");
        assertEquals(List.of("squashfs-root", "squashfs-root/gen", "squashfs-root/gen/link"), file.out().lines().toList());
    }

    @Test
    void missingPathIsOneLineError() throws Exception {
        Path img = image("-comp gzip");
        CliTest.Run r = CliTest.run("sqfs", "ls", img.toString(), "gen/no-such-file");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("no such file"), r::toString);
    }

    @Test
    void corruptImageIsOneLineError() throws Exception {
        Path img = image("-comp gzip -noI -noD -noF -noX");
        byte[] b = Files.readAllBytes(img);
        long inodeTable = org.spindelta.core.LittleEndian.getLong(b, 64);
        long root = org.spindelta.core.LittleEndian.getLong(b, 32);
        // -noI: each block is stored raw after its 2-byte header; the root inode's type becomes 15
        b[(int) (inodeTable + (root >>> 16) + 2 + (root & 0xFFFF))] = 15;
        Path bad = dir.resolve("bad.sqfs");
        Files.write(bad, b);
        CliTest.assertOneLineError(CliTest.run("sqfs", "ls", "-l", bad.toString()), "inode type 15");
    }
}
