package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LimitExceededException;
import org.spindelta.core.LittleEndian;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;

/**
 * Hostile images: a real mksquashfs image with uncompressed inode and directory tables (-noI), patched
 * in one place each, must make the walk fail with a CorruptInputException naming the problem, quickly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SquashfsTreeHostileTest {
    private static final String TARGET = "symlink-target-text";
    private Path dir;
    private byte[] good;

    @BeforeAll
    void build(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.createDirectories(src.resolve("aaa-dir"));
        Files.writeString(src.resolve("aaa-dir/inner"), "inner\n");
        Files.writeString(src.resolve("bbb-slash"), "b\n");
        Files.writeString(src.resolve("ccc"), "c\n");
        Files.writeString(src.resolve("dd"), "d\n");
        // a hard link makes "dd" an ext file inode (type 9) with u64 size
        Files.createLink(src.resolve("ee"), src.resolve("dd"));
        Files.createSymbolicLink(src.resolve("link"), Path.of(TARGET));
        Path img = dir.resolve("good.sqfs");
        Peers.run(dir, List.of(Peers.require("mksquashfs").toString(), src.toString(), img.toString(), "-noappend",
                "-no-progress", "-comp", "gzip", "-noI", "-noD", "-noF", "-noX", "-no-xattrs"));
        good = Files.readAllBytes(img);
    }

    private long sb(int off) {
        return LittleEndian.getLong(good, off);
    }

    /** Position of {@code s} in [from, to) of the image; it must occur exactly once there. */
    private int find(String s, long from, long to) {
        byte[] n = s.getBytes(StandardCharsets.US_ASCII);
        int found = -1;
        for (int i = (int) from; i + n.length <= to; i++) {
            boolean match = true;
            for (int j = 0; j < n.length && match; j++) {
                match = good[i + j] == n[j];
            }
            if (match) {
                assertEquals(-1, found, s + " occurs twice");
                found = i;
            }
        }
        assertTrue(found >= 0, s + " not found");
        return found;
    }

    private int inDirTable(String name) {
        return find(name, sb(72), sb(80) == -1 ? sb(48) : sb(80));
    }

    private int rootInode() {
        // -noI: block 0 is stored raw after its 2-byte header
        return (int) (sb(64) + 2 + (sb(32) & 0xFFFF));
    }

    /** Image position of the inode the entry named {@code name} points at (block 0 in this small image). */
    private int inodeOf(String name) {
        int at = inDirTable(name);
        return (int) (sb(64) + 2 + ((good[at - 8] & 0xFF) | (good[at - 7] & 0xFF) << 8));
    }

    record Patch(String name, Consumer<byte[]> edit, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    Stream<Arguments> patches() {
        List<Patch> p = new ArrayList<>();
        p.add(new Patch("name with slash", b -> b[inDirTable("bbb-slash") + 3] = '/', "contains '/'"));
        p.add(new Patch("dot-dot name", b -> {
            int at = inDirTable("dd");
            b[at] = '.';
            b[at + 1] = '.';
        }, "\"..\" is not allowed"));
        p.add(new Patch("unsorted names", b -> {
            int at = inDirTable("ccc");
            b[at] = 'a';
            b[at + 1] = 'a';
            b[at + 2] = 'b';
        }, "does not sort after"));
        p.add(new Patch("entry type differs from inode", b -> {
            int at = inDirTable("ccc");
            b[at - 4] = 3;
        }, "claims type 3"));
        p.add(new Patch("directory loop", b -> {
            int at = inDirTable("aaa-dir");
            // the entry's u16 inode offset: make it name the root inode (same block 0 in this small image)
            b[at - 8] = (byte) (sb(32) & 0xFF);
            b[at - 7] = (byte) (sb(32) >> 8 & 0xFF);
            // and its inode number (header base + s16 delta) the root's, so only the loop is wrong
            int base = LittleEndian.getInt(b, at - 20 + 8);
            int root = LittleEndian.getInt(b, rootInode() + 12);
            int delta = root - base;
            b[at - 6] = (byte) delta;
            b[at - 5] = (byte) (delta >> 8);
        }, "directory loop"));
        p.add(new Patch("uid index out of range", b -> {
            b[rootInode() + 4] = 0x77;
            b[rootInode() + 5] = 0x77;
        }, "uid_idx 30583 outside [0, 1)"));
        p.add(new Patch("symlink size 100000", b -> LittleEndian.putInt(b, find(TARGET, sb(64), sb(72)) - 4, 100000),
                "symlink target_size 100000 outside [1, 4096]"));
        p.add(new Patch("inode number 0", b -> LittleEndian.putInt(b, rootInode() + 12, 0), "inode_number 0 outside"));
        p.add(new Patch("inode type 15", b -> b[rootInode()] = 15, "inode type 15 outside [1, 14]"));
        p.add(new Patch("ext file size 2^64-1", b -> {
            assertEquals(9, good[inodeOf("ee")], "ext file inode");
            LittleEndian.putLong(b, inodeOf("ee") + 24, -1L);
            LittleEndian.putInt(b, inodeOf("ee") + 44, -1);
        }, "file size 18446744073709551615 needs 140737488355328 block sizes, outside [0, "));
        p.add(new Patch("fragment index out of range", b -> LittleEndian.putInt(b, inodeOf("ee") + 44, 0x7FFF),
                "fragment index 32767 outside [0, 1) (fragment_count)"));
        p.add(new Patch("truncated inode table", b -> LittleEndian.putLong(b, 72, sb(64) + 40),
                "past the end of its table"));
        p.add(new Patch("directory header count 300", b -> {
            // the root listing starts with the header of "aaa-dir": 12 + 8 bytes before its name
            LittleEndian.putInt(b, inDirTable("aaa-dir") - 20, 299);
        }, "count 300 outside [1, 256]"));
        return p.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patches")
    void patchedImageIsRejected(Patch patch) throws Exception {
        byte[] b = good.clone();
        patch.edit().accept(b);
        Path img = dir.resolve(patch.name().replace(' ', '-') + ".sqfs");
        Files.write(img, b);
        CorruptInputException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
                CorruptInputException.class, () -> {
                    try (SquashfsImage image = SquashfsImage.open(img); SquashfsTree t = SquashfsTree.open(image)) {
                        t.walk(n -> { });
                    }
                }));
        assertTrue(e.getMessage().contains(patch.message()), e::getMessage);
        assertEquals(1, e.getMessage().lines().count(), e::getMessage);
    }

    @Test
    void unpatchedImageWalks() throws Exception {
        Path img = dir.resolve("good-copy.sqfs");
        Files.write(img, good);
        List<String> paths = new ArrayList<>();
        try (SquashfsImage image = SquashfsImage.open(img); SquashfsTree t = SquashfsTree.open(image)) {
            t.walk(n -> paths.add(n.path()));
        }
        assertEquals(List.of("", "aaa-dir", "aaa-dir/inner", "bbb-slash", "ccc", "dd", "ee", "link"), paths);
    }

    /** 1030 nested directories: deeper than MAX_DEPTH, so the walk stops with a limit error. */
    @Test
    void deepNestingHitsTheDepthLimit() throws Exception {
        Path src = dir.resolve("deep");
        Path d = src;
        for (int i = 0; i < SquashfsTree.MAX_DEPTH + 6; i++) {
            d = d.resolve("a");
        }
        Files.createDirectories(d);
        Path img = dir.resolve("deep.sqfs");
        Peers.run(dir, List.of(Peers.require("mksquashfs").toString(), src.toString(), img.toString(), "-noappend",
                "-no-progress"));
        LimitExceededException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                LimitExceededException.class, () -> {
                    try (SquashfsImage image = SquashfsImage.open(img); SquashfsTree t = SquashfsTree.open(image)) {
                        t.walk(n -> { });
                    }
                }));
        assertTrue(e.getMessage().contains("nested 1024 levels deep"), e::getMessage);
    }
}
