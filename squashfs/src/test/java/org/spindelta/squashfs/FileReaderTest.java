package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.Sha256;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.read.FileReader;
import org.spindelta.squashfs.read.FragmentTable;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;

/**
 * Reads every regular file of images mksquashfs builds from {@link ListingTrees} (all compressors and the
 * layout options) and {@link TestTrees}, and compares the bytes with what {@code unsquashfs} extracts:
 * whole-file SHA-256 through the stream and both readFully forms, and random-access reads at block
 * boundaries and in the fragment tail. Then patched images: block sizes, block positions and fragment
 * offsets out of range, and a corrupted compressed block.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FileReaderTest {
    static Stream<List<String>> variants() {
        return Stream.of(List.of("-comp", "gzip"), List.of("-comp", "lzma"), List.of("-comp", "lzo"),
                List.of("-comp", "xz"), List.of("-comp", "lz4"), List.of("-comp", "zstd"),
                List.of("-comp", "gzip", "-b", "4K"), List.of("-comp", "xz", "-b", "1M"),
                List.of("-comp", "zstd", "-no-fragments"), List.of("-comp", "lz4", "-always-use-fragments"),
                List.of("-comp", "gzip", "-noI", "-noD", "-noF", "-noX"));
    }

    static Stream<List<String>> realVariants() {
        return Stream.of(List.of("-comp", "xz", "-Xbcj", "x86"), List.of("-comp", "lz4", "-Xhc"),
                List.of("-comp", "zstd", "-Xcompression-level", "3", "-b", "1M"));
    }

    private Path dir;
    private Path listing;
    private Path real;
    private final Map<String, Path> images = new HashMap<>();

    @BeforeAll
    void buildTrees(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Peers.require("mksquashfs");
        Peers.require("unsquashfs");
        listing = ListingTrees.build(dir.resolve("tree")).root();
        real = TestTrees.build(dir.resolve("real"));
    }

    private synchronized Path image(Path tree, List<String> args) throws Exception {
        String key = tree + " " + args;
        Path img = images.get(key);
        if (img == null) {
            img = dir.resolve("img" + images.size() + ".sqfs");
            List<String> cmd = new ArrayList<>(List.of(Peers.require("mksquashfs").toString(), tree.toString(),
                    img.toString(), "-noappend", "-no-progress", "-processors", "2"));
            cmd.addAll(args);
            Peers.run(dir, cmd);
            images.put(key, img);
        }
        return img;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void listingTreeMatchesUnsquashfs(List<String> args) throws Exception {
        compareAll(image(listing, args), true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("realVariants")
    void realTreeMatchesUnsquashfs(List<String> args) throws Exception {
        compareAll(image(real, args), false);
    }

    private void compareAll(Path img, boolean listingTree) throws Exception {
        Path out = Files.createTempDirectory(dir, "x");
        Path root = out.resolve("root");
        Peers.run(dir, List.of(Peers.require("unsquashfs").toString(), "-d", root.toString(), "-no-xattrs",
                img.toString()));
        List<SquashfsTree.Node> files = new ArrayList<>();
        try (SquashfsImage image = SquashfsImage.open(img); SquashfsTree t = SquashfsTree.open(image);
                FileReader r = FileReader.open(image)) {
            t.walk(n -> {
                if (n.inode() instanceof Inode.File) {
                    files.add(n);
                }
            });
            assertTrue(files.size() > 10, "files found: " + files.size());
            int bs = image.superBlock().blockSize();
            for (SquashfsTree.Node n : files) {
                Inode.File f = (Inode.File) n.inode();
                byte[] want = Files.readAllBytes(root.resolve(n.path()));
                assertEquals(want.length, f.size(), n.path());
                MessageDigest md = Sha256.newDigest();
                try (InputStream in = r.open(f, n.path())) {
                    byte[] buf = new byte[8191];
                    int k;
                    while ((k = in.read(buf)) > 0) {
                        md.update(buf, 0, k);
                    }
                    assertEquals(-1, in.read(), n.path());
                }
                assertEquals(Sha256.hex(Sha256.of(want, 0, want.length)), Sha256.hex(md.digest()), n.path());
                randomAccess(r, f, n.path(), want, bs);
            }
            // readFully, both forms, on the largest few files
            files.sort((a, b) -> Long.compare(((Inode.File) b.inode()).size(), ((Inode.File) a.inode()).size()));
            for (SquashfsTree.Node n : files.subList(0, 3)) {
                Inode.File f = (Inode.File) n.inode();
                byte[] want = Files.readAllBytes(root.resolve(n.path()));
                ByteArrayOutputStream bo = new ByteArrayOutputStream();
                assertEquals(want.length, r.readFully(f, bo));
                assertArrayEquals(want, bo.toByteArray(), n.path());
                ByteArrayOutputStream bc = new ByteArrayOutputStream();
                assertEquals(want.length, r.readFully(f, n.path(), Channels.newChannel(bc)));
                assertArrayEquals(want, bc.toByteArray(), n.path());
            }
            if (listingTree) {
                Inode.File sparse = (Inode.File) t.lookup("gen/sparse").orElseThrow().inode();
                assertTrue(Arrays.stream(sparse.blockSizes()).anyMatch(v -> v == 0), "sparse blocks");
                assertEquals(0, ((Inode.File) t.lookup("gen/size-0").orElseThrow().inode()).size());
            }
        }
    }

    private static void randomAccess(FileReader r, Inode.File f, String path, byte[] want, int bs)
            throws IOException {
        long size = want.length;
        TreeSet<Long> at = new TreeSet<>(List.of(0L, size / 2, Math.max(0, size - 1)));
        for (long b = bs; b < size && at.size() < 12; b += bs) {
            at.add(b - 1);
            at.add(b);
        }
        at.add(size - size % bs);
        for (long p : at) {
            if (p >= size) {
                continue;
            }
            int len = (int) Math.min(size - p, 3L + bs / 2);
            byte[] got = new byte[len + 4];
            int done = 0;
            while (done < len) {
                int n = r.read(f, path, p + done, got, 2 + done, len - done);
                assertTrue(n > 0, path + " at " + (p + done));
                done += n;
            }
            assertArrayEquals(Arrays.copyOfRange(want, (int) p, (int) p + len), Arrays.copyOfRange(got, 2, 2 + len),
                    path + " at " + p);
        }
        assertEquals(-1, r.read(f, path, size, new byte[1], 0, 1), path);
    }

    // ---- hostile images ----

    private static final Duration LIMIT = Duration.ofSeconds(20);

    private Path copy(Path img, String name) throws IOException {
        Path p = dir.resolve(name);
        Files.copy(img, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return p;
    }

    /** Image offset of a basic file inode's blocks_start field, found by its four u32 fields. */
    private static long findBasicFile(byte[] all, long from, long to, Inode.File f) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) f.blocksStart()).putInt((int) f.fragmentIndex()).putInt((int) f.fragmentOffset())
                .putInt((int) f.size());
        byte[] pat = b.array();
        outer:
        for (int i = (int) from; i + pat.length <= to; i++) {
            for (int j = 0; j < pat.length; j++) {
                if (all[i + j] != pat[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void putInt(byte[] all, long at, int v) {
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putInt((int) at, v);
    }

    /** Reads the whole file at {@code path} of {@code img}. */
    private static void readAll(Path img, String path) throws IOException {
        try (SquashfsImage image = SquashfsImage.open(img); SquashfsTree t = SquashfsTree.open(image);
                FileReader r = FileReader.open(image)) {
            Inode.File f = (Inode.File) t.lookup(path).orElseThrow().inode();
            r.readFully(f, path, java.io.OutputStream.nullOutputStream());
        }
    }

    private Path uncompressed() throws Exception {
        return image(listing, List.of("-comp", "gzip", "-noI", "-noD", "-noF", "-noX"));
    }

    private record Located(Path img, Inode.File file, long field, int blockSize, long bytesUsed) {
    }

    private Located locate(String path) throws Exception {
        Path img = uncompressed();
        byte[] all = Files.readAllBytes(img);
        try (SquashfsImage image = SquashfsImage.open(img); SquashfsTree t = SquashfsTree.open(image)) {
            Inode.File f = (Inode.File) t.lookup(path).orElseThrow().inode();
            var s = image.superBlock();
            long at = findBasicFile(all, s.inodeTable(), s.directoryTable(), f);
            assertTrue(at > 0, "inode of " + path + " found");
            return new Located(img, f, at, s.blockSize(), s.bytesUsed());
        }
    }

    @Test
    void blockSizeAboveBlockSizeIsRejected() throws Exception {
        Located l = locate("gen/size-270000");
        byte[] all = Files.readAllBytes(l.img());
        putInt(all, l.field() + 16, l.blockSize() + 1);
        Path bad = dir.resolve("bad-size.sqfs");
        Files.write(bad, all);
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> assertTimeoutPreemptively(LIMIT, () -> readAll(bad, "gen/size-270000")));
        assertTrue(e.getMessage().contains("block"), e.getMessage());
        // the reader's own check, for an inode that skipped the parser's
        Inode.File f = l.file();
        int[] sizes = f.blockSizes().clone();
        sizes[0] = l.blockSize() + 1;
        Inode.File forged = new Inode.File(f.header(), f.nlink(), f.blocksStart(), f.size(), f.sparse(),
                f.fragmentIndex(), f.fragmentOffset(), sizes, f.xattrIndex());
        e = assertThrows(CorruptInputException.class, () -> assertTimeoutPreemptively(LIMIT,
                () -> readForged(l.img(), forged, "gen/size-270000")));
        assertTrue(e.getMessage().contains("gen/size-270000") && e.getMessage().contains("block 0"), e.getMessage());
    }

    @Test
    void blockPastBytesUsedIsRejected() throws Exception {
        Located l = locate("gen/size-270000");
        byte[] all = Files.readAllBytes(l.img());
        putInt(all, l.field(), (int) l.bytesUsed());
        Path bad = dir.resolve("bad-start.sqfs");
        Files.write(bad, all);
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> assertTimeoutPreemptively(LIMIT, () -> readAll(bad, "gen/size-270000")));
        assertTrue(e.getMessage().contains("data"), e.getMessage());
        Inode.File f = l.file();
        for (long start : new long[] {l.bytesUsed(), Long.MAX_VALUE - 10, -1L, 10}) {
            Inode.File forged = new Inode.File(f.header(), f.nlink(), start, f.size(), f.sparse(),
                    f.fragmentIndex(), f.fragmentOffset(), f.blockSizes(), f.xattrIndex());
            e = assertThrows(CorruptInputException.class, () -> assertTimeoutPreemptively(LIMIT,
                    () -> readForged(l.img(), forged, "gen/size-270000")));
            assertTrue(e.getMessage().contains("gen/size-270000") && e.getMessage().contains("outside"),
                    e.getMessage());
        }
    }

    @Test
    void fragmentTailPastFragmentIsRejected() throws Exception {
        Path img = uncompressed();
        String chosen = null;
        int newOff = -1;
        try (SquashfsImage image = SquashfsImage.open(img); SquashfsTree t = SquashfsTree.open(image);
                FragmentTable ft = FragmentTable.read(image)) {
            int bs = image.superBlock().blockSize();
            for (String p : List.of("gen/size-1", "gen/size-4095", "gen/hard-a", "gen/setuid", "gen/owned-by-12345",
                    "gen/with-xattr", "gen/size-131073", "gen/size-270000")) {
                Inode.File f = (Inode.File) t.lookup(p).orElseThrow().inode();
                if (!f.hasFragment()) {
                    continue;
                }
                int len = ft.readBlock(f.fragmentIndex()).length;
                int tail = (int) (f.size() % bs);
                if (len + 1 <= bs && tail > 0) {
                    chosen = p;
                    newOff = len - tail + 1;
                    break;
                }
            }
        }
        assertTrue(chosen != null, "a file whose fragment block is short");
        Located l = locate(chosen);
        byte[] all = Files.readAllBytes(l.img());
        putInt(all, l.field() + 8, newOff);
        Path bad = dir.resolve("bad-frag.sqfs");
        Files.write(bad, all);
        String path = chosen;
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> assertTimeoutPreemptively(LIMIT, () -> readAll(bad, path)));
        assertTrue(e.getMessage().contains(path) && e.getMessage().contains("fragment"), e.getMessage());
    }

    @Test
    void corruptCompressedBlockIsRejected() throws Exception {
        for (List<String> args : List.of(List.of("-comp", "gzip"), List.of("-comp", "zstd"), List.of("-comp", "xz"))) {
            Path img = image(listing, args);
            long at;
            int stored;
            try (SquashfsImage image = SquashfsImage.open(img); SquashfsTree t = SquashfsTree.open(image)) {
                Inode.File f = (Inode.File) t.lookup("gen/size-270000").orElseThrow().inode();
                int v = f.blockSizes()[1];
                assertEquals(0, v & (1 << 24), "block 1 is compressed");
                stored = v & 0xFFFFFF;
                at = f.blocksStart() + (f.blockSizes()[0] & 0xFFFFFF);
            }
            Path bad = copy(img, "bad-block.sqfs");
            byte[] all = Files.readAllBytes(bad);
            for (int i = stored / 3; i < stored / 3 + 64 && i < stored; i++) {
                all[(int) at + i] ^= 0x5A;
            }
            Files.write(bad, all);
            CorruptInputException e = assertThrows(CorruptInputException.class,
                    () -> assertTimeoutPreemptively(LIMIT, () -> readAll(bad, "gen/size-270000")));
            assertTrue(e.getMessage().contains("gen/size-270000") && e.getMessage().contains("block 1")
                    && e.getMessage().contains("at byte " + at), e.getMessage());
        }
    }

    @Test
    void blockCountNotMatchingSizeIsRejected() throws Exception {
        Located l = locate("gen/size-270000");
        Inode.File f = l.file();
        for (int[] sizes : new int[][] {Arrays.copyOf(f.blockSizes(), f.blockSizes().length - 1),
                Arrays.copyOf(f.blockSizes(), f.blockSizes().length + 1)}) {
            Inode.File forged = new Inode.File(f.header(), f.nlink(), f.blocksStart(), f.size(), f.sparse(),
                    f.fragmentIndex(), f.fragmentOffset(), sizes, f.xattrIndex());
            CorruptInputException e = assertThrows(CorruptInputException.class, () -> assertTimeoutPreemptively(LIMIT,
                    () -> readForged(l.img(), forged, "gen/size-270000")));
            assertTrue(e.getMessage().contains("block sizes"), e.getMessage());
        }
    }

    @Test
    void streamSkipsAndResets() throws Exception {
        Path img = image(listing, List.of("-comp", "zstd"));
        byte[] want = Files.readAllBytes(listing.resolve("gen/size-270000"));
        try (SquashfsImage image = SquashfsImage.open(img); SquashfsTree t = SquashfsTree.open(image);
                FileReader r = FileReader.open(image)) {
            Inode.File f = (Inode.File) t.lookup("gen/size-270000").orElseThrow().inode();
            try (InputStream in = r.open(f)) {
                assertEquals(131070, in.skip(131070));
                in.mark(0);
                assertEquals(want[131070] & 0xFF, in.read());
                byte[] b = in.readNBytes(10);
                assertArrayEquals(Arrays.copyOfRange(want, 131071, 131081), b);
                in.reset();
                assertArrayEquals(Arrays.copyOfRange(want, 131070, want.length), in.readAllBytes());
                assertEquals(0, in.skip(5));
                assertEquals(-1, in.read());
            }
        }
    }

    @Test
    void readersOnSeveralThreadsAgree() throws Exception {
        Path img = image(listing, List.of("-comp", "xz"));
        try (SquashfsImage image = SquashfsImage.open(img)) {
            List<SquashfsTree.Node> files = new ArrayList<>();
            try (SquashfsTree t = SquashfsTree.open(image)) {
                t.walk(n -> {
                    if (n.inode() instanceof Inode.File) {
                        files.add(n);
                    }
                });
            }
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int k = 0; k < 4; k++) {
                int shift = k;
                Thread th = new Thread(() -> {
                    try (FileReader r = FileReader.open(image)) {
                        for (int i = 0; i < files.size(); i++) {
                            SquashfsTree.Node n = files.get((i + shift * 97) % files.size());
                            byte[] want = Files.readAllBytes(listing.resolve(n.path()));
                            ByteArrayOutputStream bo = new ByteArrayOutputStream();
                            r.readFully((Inode.File) n.inode(), n.path(), bo);
                            assertArrayEquals(want, bo.toByteArray(), n.path());
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                for (Thread th : threads) {
                    th.join();
                }
            });
            assertEquals(List.of(), failures);
        }
    }

    /**
     * Tails read round-robin over more fragment blocks than the reader caches, so blocks are evicted and
     * decoded again, and over fewer, so they are found in the cache: every tail still reads exactly.
     */
    @ParameterizedTest(name = "{0} fragment blocks in turn")
    @ValueSource(ints = {2, FileReader.FRAGMENT_CACHE + 2})
    void tailsReadInTurnAcrossFragmentBlocks(int blocksInTurn) throws Exception {
        Path img = image(listing, List.of("-comp", "gzip", "-b", "4K"));
        try (SquashfsImage image = SquashfsImage.open(img); SquashfsTree t = SquashfsTree.open(image);
                FileReader r = FileReader.open(image)) {
            TreeMap<Long, List<SquashfsTree.Node>> byFragment = new TreeMap<>();
            t.walk(n -> {
                if (n.inode() instanceof Inode.File f && f.hasFragment()) {
                    byFragment.computeIfAbsent(f.fragmentIndex(), k -> new ArrayList<>()).add(n);
                }
            });
            List<List<SquashfsTree.Node>> groups = new ArrayList<>(byFragment.values()).subList(0,
                    Math.min(blocksInTurn, byFragment.size()));
            assertEquals(blocksInTurn, groups.size(), "fragment blocks in the image");
            int reads = 0;
            for (int i = 0; reads < 4 * blocksInTurn; i++) {
                for (List<SquashfsTree.Node> g : groups) {
                    SquashfsTree.Node n = g.get(i % g.size());
                    byte[] want = Files.readAllBytes(listing.resolve(n.path()));
                    ByteArrayOutputStream bo = new ByteArrayOutputStream();
                    r.readFully((Inode.File) n.inode(), n.path(), bo);
                    assertArrayEquals(want, bo.toByteArray(), n.path());
                    reads++;
                }
            }
        }
    }

    private static void readForged(Path img, Inode.File f, String path) throws IOException {
        try (SquashfsImage image = SquashfsImage.open(img); FileReader r = FileReader.open(image)) {
            assertInstanceOf(Inode.File.class, f);
            r.readFully(f, path, java.io.OutputStream.nullOutputStream());
        }
    }
}
