package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.chunk.Chunk;
import org.spindelta.squashfs.chunk.ChunkMap;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.format.Compressor;
import org.spindelta.squashfs.format.FragmentEntry;
import org.spindelta.squashfs.format.SquashfsConstants;
import org.spindelta.squashfs.format.SuperBlock;
import org.spindelta.squashfs.read.FragmentTable;
import org.spindelta.squashfs.read.MetadataBlock;
import org.spindelta.squashfs.read.SquashfsImage;

/**
 * Images mksquashfs builds from a real file tree, for every compressor and the options that change the
 * layout, read with our reader and checked against {@code unsquashfs -s}: superblock fields and
 * compressor options; every inode and directory metadata block; every fragment block; every compressed
 * block decoded alike by the system library's decoder and the pure-Java one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SquashfsInteropTest {
    /** One mksquashfs configuration. */
    record Variant(String name, List<String> args) {
        @Override
        public String toString() {
            return name + " " + String.join(" ", args);
        }
    }

    static Stream<Variant> variants() {
        return Stream.of(
                new Variant("gzip", List.of("-comp", "gzip")),
                new Variant("gzip-level1", List.of("-comp", "gzip", "-Xcompression-level", "1")),
                new Variant("gzip-4K", List.of("-comp", "gzip", "-b", "4K")),
                new Variant("lzma", List.of("-comp", "lzma")),
                new Variant("lzo", List.of("-comp", "lzo")),
                new Variant("lzo1x_1", List.of("-comp", "lzo", "-Xalgorithm", "lzo1x_1")),
                new Variant("xz", List.of("-comp", "xz")),
                new Variant("xz-bcj", List.of("-comp", "xz", "-Xbcj", "x86")),
                new Variant("xz-1M", List.of("-comp", "xz", "-b", "1M")),
                // stores a 4096-byte dictionary (below -Xdict-size's 8192 minimum) and two filters
                new Variant("xz-4K-bcj2", List.of("-comp", "xz", "-b", "4K", "-Xbcj", "x86,arm")),
                new Variant("lz4", List.of("-comp", "lz4")),
                new Variant("lz4-hc", List.of("-comp", "lz4", "-Xhc")),
                new Variant("zstd", List.of("-comp", "zstd")),
                new Variant("zstd-level3-1M", List.of("-comp", "zstd", "-Xcompression-level", "3", "-b", "1M")),
                new Variant("uncompressed", List.of("-comp", "gzip", "-noI", "-noD", "-noF", "-noX")),
                new Variant("no-fragments", List.of("-comp", "zstd", "-no-fragments")),
                new Variant("always-fragments-no-exports", List.of("-comp", "lz4", "-always-use-fragments",
                        "-no-exports")));
    }

    private Path dir;
    private Path tree;
    private final Map<String, Path> images = new HashMap<>();

    @BeforeAll
    void buildTree(@TempDir Path tempDir) throws IOException {
        dir = tempDir;
        Peers.require("mksquashfs");
        Peers.require("unsquashfs");
        tree = TestTrees.build(dir.resolve("tree"));
    }

    private synchronized Path image(Variant v) throws Exception {
        Path img = images.get(v.name());
        if (img == null) {
            img = dir.resolve(v.name() + ".sqfs");
            List<String> cmd = new ArrayList<>(List.of(Peers.require("mksquashfs").toString(), tree.toString(),
                    img.toString(), "-noappend", "-no-progress", "-processors", "2"));
            cmd.addAll(v.args());
            Peers.run(dir, cmd);
            images.put(v.name(), img);
        }
        return img;
    }

    /** unsquashfs -s output as lines. */
    private List<String> unsquashfsStat(Path img) throws Exception {
        return Peers.run(dir, List.of(Peers.require("unsquashfs").toString(), "-s", img.toString())).lines().toList();
    }

    private static long number(List<String> lines, String prefix) {
        Pattern p = Pattern.compile("^" + Pattern.quote(prefix) + " (\\d+)");
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("unsquashfs -s printed no '" + prefix + "' line:\n" + String.join("\n", lines));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void superBlockAndOptionsMatchUnsquashfs(Variant v) throws Exception {
        Path img = image(v);
        List<String> stat = unsquashfsStat(img);
        try (SquashfsImage image = SquashfsImage.open(img)) {
            SuperBlock s = image.superBlock();
            String compression = stat.stream().filter(l -> l.startsWith("Compression ")).findFirst().orElseThrow();
            assertEquals("Compression " + s.compressor().toolName(), compression);
            assertEquals(v.args().get(1), s.compressor().toolName());
            assertEquals(number(stat, "Block size"), s.blockSize());
            assertEquals(number(stat, "Number of inodes"), s.inodeCount());
            assertEquals(number(stat, "Number of fragments"), s.fragmentCount());
            assertEquals(number(stat, "Number of ids"), s.idCount());
            assertEquals(number(stat, "Filesystem size"), s.bytesUsed());
            if (!s.noXattrs()) {
                assertEquals(number(stat, "Number of xattr ids"), image.xattrIdCount());
            }
            // compressor options: the tab-indented lines unsquashfs prints after "Compression"
            int at = stat.indexOf(compression);
            List<String> printed = new ArrayList<>();
            for (int i = at + 1; i < stat.size() && stat.get(i).startsWith("\t"); i++) {
                printed.add(stat.get(i).substring(1));
            }
            List<String> ours = image.storedCompressorOptions().map(o -> o.lines()).orElse(List.of());
            assertEquals(printed, ours, "compressor options of " + v);
            assertEquals(s.compressorOptionsPresent(), image.storedCompressorOptions().isPresent());
            // flags as unsquashfs words them
            assertEquals(s.exportable(), stat.contains("Filesystem is exportable via NFS"));
            assertEquals(s.inodesUncompressed(), stat.contains("Inodes are uncompressed"));
            assertEquals(s.dataUncompressed(), stat.contains("Data is uncompressed"));
            assertEquals(s.duplicatesRemoved(), stat.contains("Duplicates are removed"));
            assertEquals(s.noFragments(), stat.contains("Fragments are not stored"));
            assertEquals(s.alwaysFragments(), stat.contains("Always-use-fragments option is specified"));
            if (!s.noFragments()) {
                assertEquals(s.fragmentsUncompressed(), stat.contains("Fragments are uncompressed"));
            }
            assertEquals(img.toFile().length() % 4096, 0, "mksquashfs pads to 4 KiB");
            assertTrue(s.bytesUsed() <= img.toFile().length());
        }
    }

    /**
     * Walks every metadata block of the inode table and the directory table. The inode table must end
     * exactly at directory_table_start; the directory table ends where the next table's metadata begins:
     * the first fragment table block (its index entry 0) when there are fragments, else the first export
     * table block, else the first id table block. Every block but a table's last decodes to exactly 8192
     * bytes, since mksquashfs only flushes a partial block at the end of a table.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void everyInodeAndDirectoryMetadataBlockDecodes(Variant v) throws Exception {
        try (SquashfsImage image = SquashfsImage.open(image(v)); BlockDecompressor d = image.newDecompressor()) {
            SuperBlock s = image.superBlock();
            List<MetadataBlock> inodes = walk(image, d, s.inodeTable(), s.directoryTable());
            long directoryEnd = s.fragmentCount() > 0 ? image.source().readLong(s.fragmentTable(), "fragment index")
                    : s.hasExportTable() ? image.source().readLong(s.exportTable(), "export index")
                    : image.source().readLong(s.idTable(), "id index");
            List<MetadataBlock> dirs = walk(image, d, s.directoryTable(), directoryEnd);
            assertFalse(inodes.isEmpty());
            assertFalse(dirs.isEmpty(), "the root directory has entries");

            // the root inode reference points into one of the inode blocks, inside its decoded bytes
            long rootBlock = s.rootInodeRef() >>> 16;
            int rootOffset = (int) (s.rootInodeRef() & 0xFFFF);
            MetadataBlock root = inodes.stream().filter(b -> b.position() - s.inodeTable() == rootBlock).findFirst()
                    .orElseThrow(() -> new AssertionError("root inode block " + rootBlock + " is not a block start"));
            assertTrue(rootOffset < root.length());

            boolean uncompressed = s.inodesUncompressed();
            for (MetadataBlock b : inodes) {
                if (uncompressed) {
                    assertFalse(b.compressed(), "-noI stores inode blocks uncompressed");
                }
            }
        }
    }

    private static List<MetadataBlock> walk(SquashfsImage image, BlockDecompressor d, long start, long end)
            throws IOException {
        List<MetadataBlock> blocks = new ArrayList<>();
        long pos = start;
        while (pos < end) {
            MetadataBlock b = image.metadataBlock(pos, end, d);
            assertTrue(b.length() >= 1 && b.length() <= SquashfsConstants.METADATA_MAX);
            assertTrue(b.storedSize() >= 1 && b.storedSize() <= SquashfsConstants.METADATA_MAX);
            blocks.add(b);
            pos = b.next();
        }
        assertEquals(end, pos, "the walk lands exactly on the table's end");
        for (int i = 0; i < blocks.size() - 1; i++) {
            assertEquals(SquashfsConstants.METADATA_MAX, blocks.get(i).length(),
                    "block " + i + " at byte " + blocks.get(i).position() + " is not the last, so it is full");
        }
        return blocks;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void everyFragmentBlockDecodes(Variant v) throws Exception {
        try (SquashfsImage image = SquashfsImage.open(image(v)); FragmentTable t = FragmentTable.read(image)) {
            SuperBlock s = image.superBlock();
            assertEquals(s.fragmentCount(), t.count());
            if (v.args().contains("-no-fragments")) {
                assertEquals(0, t.count());
                return;
            }
            assertTrue(t.count() > 0, "small files leave tails in fragments");
            long stored = 0;
            List<FragmentEntry> entries = new ArrayList<>();
            Set<Long> starts = new HashSet<>();
            byte[] buf = new byte[s.blockSize()];
            for (long i = 0; i < t.count(); i++) {
                FragmentEntry e = t.entry(i);
                entries.add(e);
                assertTrue(starts.add(e.start()), "fragment blocks are distinct");
                int n = t.readBlock(i, buf);
                assertTrue(n >= 1 && n <= s.blockSize(), "fragment " + i + " decodes to " + n);
                if (!e.compressed()) {
                    assertEquals(e.storedSize(), n);
                }
                if (s.fragmentsUncompressed()) {
                    assertFalse(e.compressed(), "-noF stores fragments uncompressed");
                }
                stored += e.storedSize();
            }
            // fragment blocks do not overlap and together fit in the data area
            entries.sort((a, b) -> Long.compare(a.start(), b.start()));
            for (int i = 1; i < entries.size(); i++) {
                assertTrue(entries.get(i - 1).end() <= entries.get(i).start(), "fragments " + (i - 1) + ", " + i);
            }
            assertTrue(stored <= image.dataEnd() - image.dataStart());
            assertTrue(entries.get(entries.size() - 1).end() <= image.dataEnd());
        }
    }

    /** The same image inside a larger file (32 KiB of zeros before it, junk after) reads the same. */
    static Stream<Variant> embeddedVariants() {
        // two suffice: the region code does not depend on the compressor; one has an options block
        return variants().filter(v -> v.name().equals("xz-bcj") || v.name().equals("gzip-4K"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("embeddedVariants")
    void embeddedImageReadsTheSame(Variant v) throws Exception {
        Path img = image(v);
        byte[] bytes = Files.readAllBytes(img);
        Path iso = dir.resolve(v.name() + ".iso");
        byte[] junk = SyntheticImage.text(7777, 3);
        try (FileChannel ch = FileChannel.open(iso, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[32768]));
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.write(java.nio.ByteBuffer.wrap(junk));
        }
        try (SquashfsImage whole = SquashfsImage.open(img);
                FileChannel ch = FileChannel.open(iso, StandardOpenOption.READ);
                SquashfsImage embedded = SquashfsImage.open(ch, 32768, bytes.length);
                FragmentTable a = FragmentTable.read(whole);
                FragmentTable b = FragmentTable.read(embedded)) {
            assertEquals(whole.superBlock(), embedded.superBlock());
            assertEquals(whole.storedCompressorOptions(), embedded.storedCompressorOptions());
            for (long i = 0; i < a.count(); i++) {
                assertTrue(Arrays.equals(a.readBlock(i), b.readBlock(i)));
            }
        }
    }

    /** The tree walk lists the same paths, in the same order, as unsquashfs -l; every inode is reached. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void treeWalkMatchesUnsquashfsList(Variant v) throws Exception {
        Path img = image(v);
        List<String> theirs = Peers.run(dir, List.of(Peers.require("unsquashfs").toString(), "-l", "-d", "squashfs-root",
                img.toString())).lines().filter(l -> l.startsWith("squashfs-root")).toList();
        List<String> ours = new ArrayList<>();
        Set<Long> numbers = new HashSet<>();
        try (SquashfsImage image = SquashfsImage.open(img);
                org.spindelta.squashfs.read.SquashfsTree t = org.spindelta.squashfs.read.SquashfsTree.open(image)) {
            t.walk(n -> {
                ours.add(n.path().isEmpty() ? "squashfs-root" : "squashfs-root/" + n.path());
                numbers.add(n.inode().header().inodeNumber());
            });
            assertEquals(image.superBlock().inodeCount(), numbers.size(), "distinct inode numbers of " + v);
            assertTrue(t.lookup("python/json/__init__.py").isPresent(), v::toString);
        }
        assertEquals(theirs, ours, v::toString);
    }

    /** The variants whose compressor has a system-library decoder besides the Java one. */
    static Stream<Variant> nativeVariants() {
        return variants().filter(v -> v.args().contains("xz") || v.args().contains("lzma") || v.args().contains("lz4"));
    }

    /**
     * Every compressed block (data, fragment and metadata) decodes to the same bytes with the decoder
     * {@link BlockDecompressor#forCompressor} picks, which must be the system library's here (liblzma and
     * liblz4 come with squashfs-tools), and with the pure-Java one. Then, for every fifth block, the same
     * corruptions (cut short, a flipped bit) fed to both: each answer is bytes within maxOut or
     * {@link CorruptInputException}; where both decode, the bytes agree; a cut xz or lzma block is
     * refused by both (both carry an end marker, a check or a size).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("nativeVariants")
    void nativeAndJavaDecodersAgreeOnEveryBlock(Variant v) throws Exception {
        try (SquashfsImage image = SquashfsImage.open(image(v)); BlockDecompressor ours = image.newDecompressor();
                BlockDecompressor java = BlockDecompressor.javaForCompressor(image.superBlock().compressor(), null)) {
            Compressor c = image.superBlock().compressor();
            assertTrue(ours.getClass().getSimpleName().startsWith("Native"), () -> c + " decoded by " + ours.getClass());
            int blockSize = image.superBlock().blockSize();
            byte[] a = new byte[Math.max(blockSize, SquashfsConstants.METADATA_MAX)];
            byte[] b = new byte[a.length];
            SplittableRandom random = new SplittableRandom(blockSize);
            int compared = 0;
            for (Chunk chunk : ChunkMap.build(image).chunks()) {
                if (!chunk.compressed()) {
                    continue;
                }
                int maxOut = chunk.kind().metadata() ? SquashfsConstants.METADATA_MAX : blockSize;
                byte[] stored = new byte[(int) chunk.storedPayload()];
                image.source().read(chunk.offset() + chunk.length() - stored.length, stored, 0, stored.length, "chunk");
                int n = ours.decompress(stored, 0, stored.length, a, 0, maxOut);
                assertEquals(n, java.decompress(stored, 0, stored.length, b, 0, maxOut), chunk::describe);
                assertEquals(chunk.decodedSize(), n, chunk::describe);
                assertArrayEquals(Arrays.copyOf(b, n), Arrays.copyOf(a, n), chunk::describe);
                if (compared++ % 5 == 0) {
                    byte[] flipped = stored.clone();
                    flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
                    for (byte[] bad : List.of(Arrays.copyOf(stored, stored.length / 2),
                            Arrays.copyOf(stored, stored.length - 1), flipped)) {
                        boolean cut = bad.length < stored.length;
                        Integer x = decodeOrCorrupt(ours, bad, a, maxOut, c);
                        Integer y = decodeOrCorrupt(java, bad, b, maxOut, c);
                        if (cut && c != Compressor.LZ4) {
                            assertTrue(x == null && y == null, () -> chunk.describe() + " cut to " + bad.length
                                    + " bytes decoded: native " + x + ", Java " + y);
                        }
                        if (x != null && y != null) {
                            assertEquals(y, x, chunk::describe);
                            assertArrayEquals(Arrays.copyOf(b, y), Arrays.copyOf(a, x), chunk::describe);
                        }
                    }
                }
            }
            int blocks = compared;
            assertTrue(blocks > 5, () -> "only " + blocks + " compressed blocks in " + v);
        }
    }

    /** The decoded length, or null for a CorruptInputException naming the compressor. */
    private static Integer decodeOrCorrupt(BlockDecompressor d, byte[] in, byte[] out, int maxOut, Compressor c) {
        try {
            int n = d.decompress(in, 0, in.length, out, 0, maxOut);
            assertTrue(n >= 0 && n <= maxOut);
            return n;
        } catch (CorruptInputException e) {
            assertTrue(e.getMessage().startsWith(c.toolName() + " block"), e::getMessage);
            return null;
        }
    }
}
