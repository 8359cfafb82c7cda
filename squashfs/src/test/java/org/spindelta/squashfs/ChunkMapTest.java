package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;
import org.spindelta.squashfs.SquashfsInteropTest.Variant;
import org.spindelta.squashfs.chunk.Chunk;
import org.spindelta.squashfs.chunk.ChunkKind;
import org.spindelta.squashfs.chunk.ChunkMap;
import org.spindelta.squashfs.chunk.ChunkUse;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.read.ImageSource;
import org.spindelta.squashfs.read.MetadataBlock;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;

/**
 * The chunk map of real mksquashfs images, for every compressor and layout option: it covers the image
 * exactly, every chunk decodes to its recorded size, and the files rebuilt from nothing but the chunks
 * and their uses equal the files the image was made from (which proves the uses: shared blocks, tails
 * and their offsets).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChunkMapTest {
    private Path dir;
    private Path tree;
    private boolean xattrs;

    static Stream<Variant> variants() {
        return Stream.concat(SquashfsInteropTest.variants(), Stream.of(
                new Variant("no-duplicates", List.of("-comp", "gzip", "-no-duplicates")),
                new Variant("no-xattrs-4K", List.of("-comp", "xz", "-no-xattrs", "-b", "4K"))));
    }

    @BeforeAll
    void build(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        tree = TestTrees.build(dir.resolve("tree"));
        // a sparse file: a hole of whole blocks in the middle and at the end
        try (RandomAccessFile f = new RandomAccessFile(tree.resolve("sparse").toFile(), "rw")) {
            f.write(SyntheticImage.text(5000, 3));
            f.seek(3 << 20);
            f.write(SyntheticImage.text(7000, 4));
            f.setLength(5 << 20);
        }
        Path x = tree.resolve("with-xattrs");
        Files.writeString(x, "xattrs\n");
        xattrs = new ProcessBuilder("setfattr", "-n", "user.k", "-v", "value", x.toString()).start().waitFor() == 0;
    }

    private Path image(Variant v) throws Exception {
        Path img = dir.resolve(v.name() + ".sqfs");
        if (!Files.exists(img)) {
            List<String> cmd = new ArrayList<>(List.of(Peers.require("mksquashfs").toString(), tree.toString(),
                    img.toString(), "-noappend", "-no-progress", "-processors", "2"));
            cmd.addAll(v.args());
            Peers.run(dir, cmd);
        }
        return img;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void coversTheImageAndEveryChunkDecodesToItsSize(Variant v) throws Exception {
        Path img = image(v);
        try (SquashfsImage image = SquashfsImage.open(img); BlockDecompressor d = image.newDecompressor()) {
            ChunkMap map = ChunkMap.build(image);
            List<Chunk> chunks = map.chunks();
            long at = 0;
            for (Chunk c : chunks) {
                assertEquals(at, c.offset(), () -> "gap or overlap before " + c.describe());
                assertTrue(c.length() > 0, c::describe);
                assertFalse(c.kind() == ChunkKind.UNREFERENCED, () -> "mksquashfs leaves no unreferenced bytes: "
                        + c.describe());
                at = c.end();
            }
            assertEquals(Files.size(img), at, "the map ends at the end of the file");
            assertEquals(image.superBlock().bytesUsed() % 4096 == 0 ? 0 : 1, count(map, ChunkKind.PADDING));
            byte[] stored = new byte[image.superBlock().blockSize()];
            byte[] decoded = new byte[image.superBlock().blockSize()];
            for (Chunk c : chunks) {
                if (c.kind().metadata() || c.kind() == ChunkKind.COMPRESSOR_OPTIONS) {
                    MetadataBlock m = MetadataBlock.read(image.source(), c.offset(), c.end(), d);
                    assertEquals(c.end(), m.next(), c::describe);
                    assertEquals(c.decodedSize(), m.length(), c::describe);
                    assertEquals(c.compressed(), m.compressed(), c::describe);
                } else if (c.kind() == ChunkKind.DATA_BLOCK || c.kind() == ChunkKind.FRAGMENT_BLOCK) {
                    assertFalse(c.uses().isEmpty(), c::describe);
                    assertEquals(c.decodedSize(), decode(image, d, c, stored, decoded), c::describe);
                } else {
                    assertFalse(c.compressed(), c::describe);
                    assertEquals(c.length(), c.decodedSize(), c::describe);
                }
            }
            // the structures the image has are all there
            var s = image.superBlock();
            assertEquals(1, count(map, ChunkKind.SUPERBLOCK));
            assertTrue(count(map, ChunkKind.INODE_TABLE) >= 1 && count(map, ChunkKind.DIRECTORY_TABLE) >= 1);
            assertEquals(1, count(map, ChunkKind.ID_INDEX));
            assertEquals(s.fragmentCount(), count(map, ChunkKind.FRAGMENT_BLOCK));
            assertEquals(s.fragmentCount() > 0 ? 1 : 0, count(map, ChunkKind.FRAGMENT_INDEX));
            assertEquals(s.hasExportTable() ? 1 : 0, count(map, ChunkKind.EXPORT_INDEX));
            assertEquals(s.hasXattrIdTable() ? 1 : 0, count(map, ChunkKind.XATTR_ID_INDEX));
            assertEquals(s.hasXattrIdTable(), count(map, ChunkKind.XATTR_KV) > 0);
            if (xattrs && !v.args().contains("-no-xattrs")) {
                assertTrue(s.hasXattrIdTable(), "the tree has xattrs");
            }
            assertEquals(image.storedCompressorOptions().isPresent() ? 1 : 0,
                    count(map, ChunkKind.COMPRESSOR_OPTIONS));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void filesRebuiltFromTheChunksEqualTheSourceTree(Variant v) throws Exception {
        Path img = image(v);
        try (SquashfsImage image = SquashfsImage.open(img); BlockDecompressor d = image.newDecompressor();
                SquashfsTree t = SquashfsTree.open(image)) {
            ChunkMap map = ChunkMap.build(image);
            Map<String, byte[]> rebuilt = new HashMap<>();
            t.walk(n -> {
                if (n.inode() instanceof Inode.File f) {
                    rebuilt.put(n.path(), new byte[Math.toIntExact(f.size())]);
                }
            });
            byte[] stored = new byte[image.superBlock().blockSize()];
            byte[] decoded = new byte[image.superBlock().blockSize()];
            for (Chunk c : map.chunks()) {
                if (c.uses().isEmpty()) {
                    continue;
                }
                decode(image, d, c, stored, decoded);
                for (ChunkUse u : c.uses()) {
                    System.arraycopy(decoded, u.blockOffset(), rebuilt.get(map.path(u)), (int) u.fileOffset(), u.length());
                }
            }
            assertTrue(rebuilt.size() > 50, "files: " + rebuilt.size());
            for (Map.Entry<String, byte[]> e : rebuilt.entrySet()) {
                assertArrayEquals(Files.readAllBytes(tree.resolve(e.getKey())), e.getValue(), e.getKey());
            }
        }
    }

    @Test
    void duplicatesShareBlocksAndHardLinksShareTheirInode() throws Exception {
        try (SquashfsImage image = SquashfsImage.open(image(new Variant("gzip", List.of("-comp", "gzip"))))) {
            ChunkMap map = ChunkMap.build(image);
            Chunk dup = map.chunks().stream().filter(c -> paths(map, c).contains("duplicate.bin")).findFirst().orElseThrow();
            assertEquals(Set.of("duplicate.bin", "duplicate2.bin"), paths(map, dup));
            assertEquals(2, dup.uses().stream().map(ChunkUse::inodeNumber).distinct().count(), "two inodes");
            Chunk small = map.chunks().stream().filter(c -> paths(map, c).contains("small.txt")).findFirst().orElseThrow();
            assertEquals(ChunkKind.FRAGMENT_BLOCK, small.kind());
            List<ChunkUse> links = small.uses().stream()
                    .filter(u -> map.path(u).equals("small.txt") || map.path(u).equals("hardlink-to-small")).toList();
            assertEquals(2, links.size());
            assertEquals(links.get(0).inodeNumber(), links.get(1).inodeNumber(), "one inode");
            assertEquals(links.get(0).blockOffset(), links.get(1).blockOffset());
            assertTrue(small.uses().size() > 2, "the fragment packs other tails too");
            assertEquals(small.uses().size(), small.uses().stream().map(ChunkUse::pathId).distinct().count());
        }
        try (SquashfsImage image = SquashfsImage.open(image(new Variant("no-duplicates",
                List.of("-comp", "gzip", "-no-duplicates"))))) {
            for (Chunk c : ChunkMap.build(image).chunks()) {
                assertTrue(c.uses().stream().map(ChunkUse::inodeNumber).distinct().count() <= 1
                        || c.kind() == ChunkKind.FRAGMENT_BLOCK, () -> "-no-duplicates shares nothing: " + c.uses());
            }
        }
    }

    @Test
    void imageInsideALargerFileIsMappedFromItsStart() throws Exception {
        Path img = image(new Variant("xz", List.of("-comp", "xz")));
        Path carrier = dir.resolve("carrier.bin");
        byte[] raw = Files.readAllBytes(img);
        byte[] all = new byte[65536 + raw.length + 1000];
        System.arraycopy(raw, 0, all, 65536, raw.length);
        Files.write(carrier, all);
        try (FileChannel ch = FileChannel.open(carrier, StandardOpenOption.READ);
                SquashfsImage image = SquashfsImage.open(ch, 65536, raw.length);
                SquashfsImage plain = SquashfsImage.open(img)) {
            assertEquals(ChunkMap.build(plain).chunks(), ChunkMap.build(image).chunks());
        }
    }

    @Test
    void overlappingBlocksAreCorrupt() throws Exception {
        byte[] b = Files.readAllBytes(image(new Variant("uncompressed",
                List.of("-comp", "gzip", "-noI", "-noD", "-noF", "-noX"))));
        // big.bin's blocks_start (a basic file inode: u32 at +16) moved one byte into the data area's blocks
        try (SquashfsImage image = SquashfsImage.open(image(new Variant("uncompressed",
                List.of("-comp", "gzip", "-noI", "-noD", "-noF", "-noX"))));
                SquashfsTree t = SquashfsTree.open(image)) {
            Inode.File big = (Inode.File) t.lookup("big.bin").orElseThrow().inode();
            int at = find(b, big, (int) image.superBlock().inodeTable(), (int) image.superBlock().directoryTable());
            LittleEndian.putInt(b, at, (int) big.blocksStart() + 1);
        }
        Path bad = dir.resolve("overlap.sqfs");
        Files.write(bad, b);
        try (SquashfsImage image = SquashfsImage.open(bad)) {
            CorruptInputException e = assertThrows(CorruptInputException.class, () -> ChunkMap.build(image));
            assertTrue(e.getMessage().contains("overlaps"), e::getMessage);
            assertEquals(1, e.getMessage().lines().count());
        }
    }

    /** Where a basic file inode's u32 blocks_start field lies in an uncompressed inode table. */
    private static int find(byte[] b, Inode.File f, int from, int to) {
        for (int i = from; i + 32 <= to; i++) {
            if (LittleEndian.getInt(b, i + 12) == (int) f.header().inodeNumber() && (b[i] & 0xFF) == 2
                    && LittleEndian.getInt(b, i + 16) == (int) f.blocksStart()
                    && LittleEndian.getInt(b, i + 28) == (int) f.size()) {
                return i + 16;
            }
        }
        throw new AssertionError("inode not found");
    }

    private static Set<String> paths(ChunkMap map, Chunk c) {
        return c.uses().stream().map(map::path).collect(Collectors.toSet());
    }

    private static long count(ChunkMap map, ChunkKind kind) {
        return map.chunks().stream().filter(c -> c.kind() == kind).count();
    }

    /** Decodes a data or fragment chunk into {@code decoded}; returns its decoded length. */
    private static int decode(SquashfsImage image, BlockDecompressor d, Chunk c, byte[] stored, byte[] decoded)
            throws IOException {
        int n = (int) c.length();
        ImageSource src = image.source();
        if (!c.compressed()) {
            src.read(c.offset(), decoded, 0, n, "chunk");
            return n;
        }
        src.read(c.offset(), stored, 0, n, "chunk");
        return d.decompress(stored, 0, n, decoded, 0, decoded.length);
    }

}
