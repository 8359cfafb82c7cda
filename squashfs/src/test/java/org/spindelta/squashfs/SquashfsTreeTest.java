package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.format.InodeType;
import org.spindelta.squashfs.format.SquashfsConstants;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;

/**
 * Walks images mksquashfs builds from {@link ListingTrees} for every compressor and the layout options,
 * and checks the walk against {@code unsquashfs -l} (every path, in order), the inode count against the
 * superblock, and lookups of the special files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SquashfsTreeTest {
    static Stream<List<String>> variants() {
        return Stream.of(List.of("-comp", "gzip"), List.of("-comp", "lzma"), List.of("-comp", "lzo"),
                List.of("-comp", "xz"), List.of("-comp", "lz4"), List.of("-comp", "zstd"),
                List.of("-comp", "gzip", "-b", "4K"), List.of("-comp", "zstd", "-no-fragments"),
                List.of("-comp", "lz4", "-always-use-fragments"),
                List.of("-comp", "gzip", "-noI", "-noD", "-noF", "-noX"));
    }

    private Path dir;
    private ListingTrees.Built tree;
    private final Map<List<String>, Path> images = new HashMap<>();

    @BeforeAll
    void buildTree(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Peers.require("mksquashfs");
        Peers.require("unsquashfs");
        tree = ListingTrees.build(dir.resolve("tree"));
    }

    private synchronized Path image(List<String> args) throws Exception {
        Path img = images.get(args);
        if (img == null) {
            img = dir.resolve("img" + images.size() + ".sqfs");
            List<String> cmd = new ArrayList<>(List.of(Peers.require("mksquashfs").toString(), tree.root().toString(),
                    img.toString(), "-noappend", "-no-progress", "-processors", "2"));
            cmd.addAll(args);
            Peers.run(dir, cmd);
            images.put(args, img);
        }
        return img;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void walkMatchesUnsquashfsAndSuperblock(List<String> args) throws Exception {
        Path img = image(args);
        List<String> theirs = Peers.run(dir, List.of(Peers.require("unsquashfs").toString(), "-l", "-d",
                "squashfs-root", img.toString())).lines().filter(l -> l.startsWith("squashfs-root")).toList();
        List<String> ours = new ArrayList<>();
        Set<Long> numbers = new HashSet<>();
        try (SquashfsImage image = SquashfsImage.open(img); SquashfsTree t = SquashfsTree.open(image)) {
            t.walk(n -> {
                ours.add(n.path().isEmpty() ? "squashfs-root" : "squashfs-root/" + n.path());
                numbers.add(n.inode().header().inodeNumber());
                if (n.inode() instanceof Inode.File f) {
                    int bs = image.superBlock().blockSize();
                    long expected = f.hasFragment() ? f.size() / bs : (f.size() + bs - 1) / bs;
                    assertEquals(expected, f.blockSizes().length, n.path());
                }
            });
            assertEquals(theirs, ours);
            assertEquals(image.superBlock().inodeCount(), numbers.size(), "distinct inode numbers");

            var sparse = t.lookup("gen/sparse").orElseThrow();
            Inode.File sf = assertInstanceOf(Inode.File.class, sparse.inode());
            assertEquals(ListingTrees.SPARSE_SIZE, sf.size());
            assertEquals(InodeType.EXT_FILE, sf.type(), "sparse files get ext inodes");
            assertTrue(sf.sparse() > 0);
            var a = t.lookup("gen/hard-a").orElseThrow();
            var b = t.lookup("/gen//hard-b").orElseThrow();
            assertEquals(a.inodeRef(), b.inodeRef());
            assertEquals(2, a.inode().nlink());
            Inode.Symlink link = assertInstanceOf(Inode.Symlink.class, t.lookup("gen/link").orElseThrow().inode());
            assertEquals(ListingTrees.SYMLINK_TARGET, link.targetString());
            assertEquals(10, t.lookup("gen/" + ListingTrees.LONG_NAME).orElseThrow().inode() instanceof Inode.File f
                    ? f.size() : -1);
            Inode.Directory many = assertInstanceOf(Inode.Directory.class, t.lookup("gen/many").orElseThrow().inode());
            assertEquals(ListingTrees.MANY, t.list(many).size());
            assertEquals(InodeType.EXT_DIRECTORY, many.type());
            assertFalse(many.index().isEmpty(), "a listing over 8 KiB has a directory index");
            assertTrue(t.lookup("gen/many/entry-0599-padding").isPresent());
            assertTrue(t.lookup("gen/many/entry-0600-padding").isEmpty());
            assertTrue(t.lookup("gen/size-1/below-a-file").isEmpty());
            assertInstanceOf(Inode.Ipc.class, t.lookup("gen/fifo").orElseThrow().inode());
            if (tree.device()) {
                Inode.Device dev = assertInstanceOf(Inode.Device.class, t.lookup("gen/chardev").orElseThrow().inode());
                assertEquals(InodeType.CHAR_DEVICE, dev.type());
                assertEquals(0x103, dev.rdev());
            }
            Inode owned = t.lookup("gen/owned-by-12345").orElseThrow().inode();
            assertEquals(12345, t.ids().id(owned.header().uidIndex()));
            assertEquals(54321, t.ids().id(owned.header().gidIndex()));
            assertEquals(04754, t.lookup("gen/setuid").orElseThrow().inode().header().permissions());
            if (tree.xattr()) {
                Inode x = t.lookup("gen/with-xattr").orElseThrow().inode();
                assertTrue(x.extended(), "a file with xattrs gets an ext inode");
                assertNotEquals(SquashfsConstants.NO_INDEX, x.xattrIndex());
            }
            assertTrue(t.lookup("real/json/decoder.py").isPresent());
        }
    }
}
