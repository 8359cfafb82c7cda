package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;
import org.spindelta.core.Progress;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.extract.ExtractOptions;
import org.spindelta.squashfs.extract.TreeExtractor;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;

/**
 * Hostile images for extraction: a real mksquashfs image with uncompressed inode and directory tables
 * (-noI) and compressed data, patched in one place each (or truncated, or bit-flipped), must fail with a
 * one-line error naming the problem, within seconds, leaving no DIR, no temporary directory, and nothing
 * anywhere else: not in DIR's parent, not where the planted symlink points.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TreeExtractorHostileTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private Path dir;
    private Path outside;
    private byte[] good;
    private int caseNumber;

    @BeforeAll
    void build(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        outside = Files.createDirectories(dir.resolve("outside"));
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.createDirectories(src.resolve("aaa-dir"));
        Files.writeString(src.resolve("aaa-dir/inner"), "inner\n");
        Files.writeString(src.resolve("bbb-slash"), "b\n");
        Files.writeString(src.resolve("ccc"), "c\n");
        Files.writeString(src.resolve("dd"), "d\n");
        // a hard link makes "dd" an ext file inode (type 9) with u64 size
        Files.createLink(src.resolve("ee"), src.resolve("dd"));
        // CVE-2021-41072's shape, once "evil2" is renamed "evil1": a symlink out, then a directory of that name
        Files.createSymbolicLink(src.resolve("evil1"), outside);
        Files.createDirectories(src.resolve("evil2"));
        Files.writeString(src.resolve("evil2/payload"), "payload\n");
        // several compressed blocks, so one can be corrupted mid-file
        SplittableRandom r = new SplittableRandom(3);
        StringBuilder big = new StringBuilder();
        while (big.length() < 700_000) {
            big.append(Long.toString(r.nextLong(), 36)).append(r.nextInt(9) == 0 ? '\n' : ' ');
        }
        Files.writeString(src.resolve("big"), big);
        Path img = dir.resolve("good.sqfs");
        Peers.run(dir, List.of(Peers.require("mksquashfs").toString(), src.toString(), img.toString(), "-noappend",
                "-no-progress", "-comp", "gzip", "-noI", "-noF", "-noX", "-no-xattrs"));
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
            if (Arrays.equals(good, i, i + n.length, n, 0, n.length)) {
                assertEquals(-1, found, s + " occurs twice");
                found = i;
            }
        }
        assertTrue(found >= 0, s + " not found");
        return found;
    }

    private int inDirTable(String name) {
        // -noI: the directory table is stored raw; it ends where the fragment table starts
        return find(name, sb(72), sb(80));
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

    Stream<Arguments> patches() throws Exception {
        long bigStart;
        int[] bigBlocks;
        try (SquashfsImage image = SquashfsImage.open(dir.resolve("good.sqfs"));
                SquashfsTree t = SquashfsTree.open(image)) {
            Inode.File big = (Inode.File) t.lookup("big").orElseThrow().inode();
            bigStart = big.blocksStart();
            bigBlocks = big.blockSizes();
        }
        List<Patch> p = new ArrayList<>();
        p.add(new Patch("name with slash", b -> b[inDirTable("bbb-slash") + 3] = '/', "contains '/'"));
        p.add(new Patch("dot-dot name", b -> {
            int at = inDirTable("dd");
            b[at] = '.';
            b[at + 1] = '.';
        }, "\"..\" is not allowed"));
        p.add(new Patch("symlink then directory of the same name (CVE-2021-41072)",
                b -> b[inDirTable("evil2") + 4] = '1', "name \"evil1\" does not sort after \"evil1\""));
        p.add(new Patch("corrupt data block mid-file", b -> {
            assertTrue(bigBlocks.length >= 4 && (bigBlocks[2] & (1 << 24)) == 0, "big has compressed blocks");
            long at = bigStart + (bigBlocks[0] & 0xFFFFFF) + (bigBlocks[1] & 0xFFFFFF);
            int stored = bigBlocks[2] & 0xFFFFFF;
            for (int i = stored / 2; i < stored / 2 + 64; i++) {
                b[(int) at + i] ^= 0x5A;
            }
        }, "\"big\" (file inode"));
        p.add(new Patch("huge sparse file size", b -> {
            assertEquals(9, good[inodeOf("ee")], "ext file inode");
            LittleEndian.putLong(b, inodeOf("ee") + 24, 1L << 62);
        }, "file size 4611686018427387904 needs"));
        p.add(new Patch("entry points past the inode table", b -> {
            int at = inDirTable("ccc");
            b[at - 8] = (byte) 0xF0;
            b[at - 7] = (byte) 0x1F;
        }, "\"ccc\": inode table reference: offset 8176"));
        return p.stream().map(Arguments::of);
    }

    /** Extracts {@code image} into a fresh directory's "out" and checks nothing at all was left anywhere. */
    private SpindeltaException assertRefused(byte[] image, String name) throws Exception {
        Path work = Files.createDirectories(dir.resolve("case-" + ++caseNumber));
        Path img = dir.resolve("case-" + caseNumber + ".sqfs");
        Files.write(img, image);
        Path out = work.resolve("out");
        FileTime outsideTime = Files.getLastModifiedTime(outside);
        SpindeltaException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(SpindeltaException.class,
                () -> TreeExtractor.extract(img, out, ExtractOptions.defaults(), Progress.NONE)), name);
        assertEquals(1, e.getMessage().lines().count(), e::getMessage);
        assertFalse(Files.exists(out, LinkOption.NOFOLLOW_LINKS), "no DIR");
        try (Stream<Path> s = Files.list(work)) {
            assertEquals(List.of(), s.toList(), "nothing in DIR's parent, no temporary directory");
        }
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(List.of(), s.toList(), "nothing where the symlink points");
        }
        assertEquals(outsideTime, Files.getLastModifiedTime(outside));
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patches")
    void patchedImageIsRefusedAndWritesNothing(Patch patch) throws Exception {
        byte[] b = good.clone();
        patch.edit().accept(b);
        SpindeltaException e = assertRefused(b, patch.name());
        assertTrue(e instanceof CorruptInputException, () -> e.getClass() + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(patch.message()), e::getMessage);
    }

    @ParameterizedTest
    @MethodSource("truncations")
    void truncatedImageIsRefused(int percent) throws Exception {
        SpindeltaException e = assertRefused(Arrays.copyOf(good, good.length * percent / 100), "truncated");
        assertTrue(e instanceof CorruptInputException, () -> e.getClass() + ": " + e.getMessage());
    }

    static IntStream truncations() {
        return IntStream.of(5, 10, 50, 90, 99);
    }

    /**
     * Random bit flips in the inode and directory tables: extraction either succeeds (a flipped mode or
     * time is still an image) or fails with one line, and in both cases nothing is written outside DIR.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void bitFlippedTablesNeverEscapeOrHang(int seed) throws Exception {
        byte[] b = good.clone();
        SplittableRandom r = new SplittableRandom(seed);
        long from = sb(64);
        long to = sb(80);
        for (int i = 0; i < 1 + seed % 4; i++) {
            int at = (int) (from + r.nextLong(to - from));
            b[at] ^= (byte) (1 << r.nextInt(8));
        }
        Path work = Files.createDirectories(dir.resolve("flip-" + seed));
        Path img = dir.resolve("flip-" + seed + ".sqfs");
        Files.write(img, b);
        Path out = work.resolve("out");
        boolean ok = assertTimeoutPreemptively(LIMIT, () -> {
            try {
                TreeExtractor.extract(img, out, ExtractOptions.defaults(), Progress.NONE);
                return true;
            } catch (SpindeltaException e) {
                assertEquals(1, e.getMessage().lines().count(), e::getMessage);
                return false;
            }
        });
        try (Stream<Path> s = Files.list(work)) {
            assertEquals(ok ? List.of(out) : List.of(), s.toList(), "only DIR, and only on success");
        }
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(List.of(), s.toList(), "nothing where the symlink points");
        }
    }

    static IntStream seeds() {
        return IntStream.rangeClosed(1, 24);
    }

    @Test
    void unpatchedImageExtracts() throws Exception {
        Path img = dir.resolve("good-copy.sqfs");
        Files.write(img, good);
        Path out = dir.resolve("good-out");
        TreeExtractor.extract(img, out, ExtractOptions.defaults(), Progress.NONE);
        assertEquals(outside, Files.readSymbolicLink(out.resolve("evil1")));
        assertEquals("payload\n", Files.readString(out.resolve("evil2/payload")));
        assertEquals(Files.readString(dir.resolve("src/big")), Files.readString(out.resolve("big")));
    }
}
