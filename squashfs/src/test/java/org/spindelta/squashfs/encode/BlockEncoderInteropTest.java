package org.spindelta.squashfs.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spindelta.squashfs.Peers;
import org.spindelta.squashfs.chunk.Chunk;
import org.spindelta.squashfs.chunk.ChunkKind;
import org.spindelta.squashfs.chunk.ChunkMap;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.encode.BlockEncoderFactory.GzipBackend;
import org.spindelta.squashfs.format.CompressorOptions;
import org.spindelta.squashfs.read.MetadataBlock;
import org.spindelta.squashfs.read.SquashfsImage;

/**
 * mksquashfs 4.5.1 is the peer: for every compressor and option it offers, every compressed data,
 * fragment and metadata block of a real image re-encodes to the same bytes, and every block it stored
 * raw gets the "store raw" answer (0).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BlockEncoderInteropTest {
    /** mksquashfs arguments of one image. */
    record Variant(String name, List<String> args) {
        @Override
        public String toString() {
            return name + " " + String.join(" ", args);
        }
    }

    static Stream<Variant> variants() {
        return Stream.of(
                v("gzip", "-comp", "gzip"),
                v("gzip-level1", "-comp", "gzip", "-Xcompression-level", "1"),
                v("gzip-4K", "-comp", "gzip", "-b", "4K"),
                v("gzip-filtered", "-comp", "gzip", "-Xstrategy", "filtered"),
                v("gzip-strategies-jdk", "-comp", "gzip", "-Xstrategy", "default,filtered,huffman_only"),
                v("gzip-strategies-all", "-comp", "gzip", "-Xstrategy",
                        "default,filtered,huffman_only,run_length_encoded,fixed"),
                v("gzip-rle", "-comp", "gzip", "-Xstrategy", "run_length_encoded"),
                v("gzip-window10", "-comp", "gzip", "-Xwindow-size", "10"),
                v("gzip-window8-level5-fixed", "-comp", "gzip", "-Xwindow-size", "8", "-Xcompression-level", "5",
                        "-Xstrategy", "fixed,default"),
                v("xz", "-comp", "xz"),
                v("xz-bcj-x86", "-comp", "xz", "-Xbcj", "x86"),
                v("xz-bcj-x86-arm", "-comp", "xz", "-Xbcj", "x86,arm"),
                v("xz-bcj-all", "-comp", "xz", "-Xbcj", "x86,powerpc,ia64,arm,armthumb,sparc"),
                v("xz-1M", "-comp", "xz", "-b", "1M"),
                v("xz-4K", "-comp", "xz", "-b", "4K"),
                v("xz-4K-bcj2", "-comp", "xz", "-b", "4K", "-Xbcj", "x86,arm"),
                v("xz-dict32K", "-comp", "xz", "-Xdict-size", "32K"),
                v("xz-1M-dict25pct", "-comp", "xz", "-b", "1M", "-Xdict-size", "25%"),
                v("lzma", "-comp", "lzma"),
                v("lzma-4K", "-comp", "lzma", "-b", "4K"),
                v("lzma-1M", "-comp", "lzma", "-b", "1M"),
                v("zstd", "-comp", "zstd"),
                v("zstd-level19", "-comp", "zstd", "-Xcompression-level", "19"),
                v("zstd-level3", "-comp", "zstd", "-Xcompression-level", "3"),
                v("zstd-level1-1M", "-comp", "zstd", "-Xcompression-level", "1", "-b", "1M"),
                v("lz4", "-comp", "lz4"),
                v("lz4-hc", "-comp", "lz4", "-Xhc"),
                v("lz4-4K", "-comp", "lz4", "-b", "4K"),
                v("lzo", "-comp", "lzo"),
                v("lzo1x_1", "-comp", "lzo", "-Xalgorithm", "lzo1x_1"),
                v("lzo1x_1_11", "-comp", "lzo", "-Xalgorithm", "lzo1x_1_11"),
                v("lzo1x_1_12", "-comp", "lzo", "-Xalgorithm", "lzo1x_1_12"),
                v("lzo1x_1_15", "-comp", "lzo", "-Xalgorithm", "lzo1x_1_15"),
                v("lzo1x_999-level1", "-comp", "lzo", "-Xalgorithm", "lzo1x_999", "-Xcompression-level", "1"),
                v("lzo1x_999-level9", "-comp", "lzo", "-Xcompression-level", "9"));
    }

    private static Variant v(String name, String... args) {
        return new Variant(name, List.of(args));
    }

    /** gzip variants, to run again through the other zlib backend. */
    static Stream<Variant> gzipVariants() {
        return variants().filter(v -> v.args().get(1).equals("gzip"));
    }

    private Path dir;
    private Path tree;

    @BeforeAll
    void build(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Peers.require("mksquashfs");
        tree = EncodeTestTree.build(dir.resolve("tree"));
    }

    private synchronized Path image(Variant v) throws Exception {
        Path img = dir.resolve(v.name() + ".sqfs");
        if (!Files.exists(img)) {
            List<String> cmd = new ArrayList<>(List.of(Peers.require("mksquashfs").toString(), tree.toString(),
                    img.toString(), "-noappend", "-no-progress", "-processors", "2"));
            cmd.addAll(v.args());
            Peers.run(dir, cmd);
        }
        return img;
    }

    /** Every block re-encoded, and each that did not come out as stored. */
    private static Map<ChunkKind, int[]> reencodeAll(SquashfsImage image, BlockEncoderFactory factory)
            throws Exception {
        List<String> failures = new ArrayList<>();
        Map<ChunkKind, int[]> counts = reencode(image, factory, failures);
        assertTrue(failures.isEmpty(), () -> failures.size() + " blocks differ with " + factory + ", first: "
                + failures.subList(0, Math.min(5, failures.size())));
        return counts;
    }

    /**
     * Per kind: {compressed blocks matched, compressed blocks, raw blocks answered 0, raw blocks}; one line
     * per block that differs goes to {@code failures}.
     */
    private static Map<ChunkKind, int[]> reencode(SquashfsImage image, BlockEncoderFactory factory,
            List<String> failures) throws Exception {
        Map<ChunkKind, int[]> counts = new EnumMap<>(ChunkKind.class);
        int blockSize = image.superBlock().blockSize();
        int room = Math.max(blockSize, 8192);
        byte[] stored = new byte[room];
        byte[] decoded = new byte[room];
        byte[] out = new byte[room];
        try (BlockDecompressor d = image.newDecompressor(); BlockEncoder e = factory.newEncoder()) {
            for (Chunk c : ChunkMap.build(image).chunks()) {
                boolean metadata = c.kind().metadata();
                if (!metadata && c.kind() != ChunkKind.DATA_BLOCK && c.kind() != ChunkKind.FRAGMENT_BLOCK) {
                    continue;
                }
                int storedLength = (int) c.storedPayload();
                long payload = metadata ? c.offset() + 2 : c.offset();
                image.source().read(payload, stored, 0, storedLength, c.kind().label());
                int n;
                if (metadata) {
                    MetadataBlock m = MetadataBlock.read(image.source(), c.offset(), c.end(), d);
                    assertEquals(c.compressed(), m.compressed(), c.describe());
                    n = m.length();
                    System.arraycopy(m.data(), 0, decoded, 0, n);
                } else if (c.compressed()) {
                    n = d.decompress(stored, 0, storedLength, decoded, 0, blockSize);
                } else {
                    n = storedLength;
                    System.arraycopy(stored, 0, decoded, 0, n);
                }
                assertEquals(c.decodedSize(), n, c.describe());
                int r = e.encode(decoded, 0, n, out, BlockRole.of(c.kind()));
                int[] k = counts.computeIfAbsent(c.kind(), x -> new int[4]);
                if (c.compressed()) {
                    k[1]++;
                    if (r == storedLength && Arrays.equals(out, 0, r, stored, 0, r)) {
                        k[0]++;
                    } else {
                        failures.add(c.describe() + ": re-encoded to " + r + " bytes"
                                + (r == storedLength ? " (other bytes)" : ""));
                    }
                } else {
                    k[3]++;
                    if (r == 0) {
                        k[2]++;
                    } else {
                        failures.add(c.describe() + ": stored raw but re-encoded to " + r + " bytes");
                    }
                }
            }
        }
        return counts;
    }

    private static String summary(Map<ChunkKind, int[]> counts) {
        return counts.entrySet().stream().map(e -> e.getKey().label() + " " + e.getValue()[0] + "/"
                + e.getValue()[1] + " (raw " + e.getValue()[2] + "/" + e.getValue()[3] + ")")
                .collect(Collectors.joining(", "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void everyBlockReencodesExactly(Variant v) throws Exception {
        try (SquashfsImage image = SquashfsImage.open(image(v))) {
            BlockEncoderFactory factory = BlockEncoderFactory.forImage(image);
            assertEquals(java.util.Optional.empty(), factory.unavailableReason());
            long start = System.nanoTime();
            Map<ChunkKind, int[]> counts = reencodeAll(image, factory);
            System.out.printf("reencode %-28s %s; %d ms; %s%n", v.name(), factory.identity(),
                    (System.nanoTime() - start) / 1_000_000, summary(counts));
            // every image has compressed data, fragment and metadata blocks, and data and metadata blocks
            // stored raw (random.bin is over 1 MiB so that even -b 1M has one)
            assertTrue(counts.get(ChunkKind.DATA_BLOCK)[1] > 0, "compressed data blocks");
            assertTrue(counts.get(ChunkKind.FRAGMENT_BLOCK)[1] > 0, "compressed fragment blocks");
            assertTrue(counts.get(ChunkKind.INODE_TABLE)[1] > 0, "compressed inode blocks");
            assertTrue(counts.get(ChunkKind.DATA_BLOCK)[3] > 0, "raw data blocks");
            assertTrue(counts.get(ChunkKind.ID_TABLE)[3] > 0, "raw id table block");
        }
    }

    /**
     * Negative control: the parameters matter, so the test can fail. Re-encoded without its BCJ
     * candidate, a -Xbcj x86 image keeps its metadata blocks (never BCJ) and the data blocks where LZMA2
     * alone won, but not those where x86 won; a dictionary other than the block size changes every data
     * block's header; lz4 HC at level 9 instead of 12 changes data and metadata blocks.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("negativeControls")
    void wrongParametersDoNotReproduce(Variant v, CompressorOptions wrong, boolean metadataStillMatches)
            throws Exception {
        try (SquashfsImage image = SquashfsImage.open(image(v))) {
            List<String> failures = new ArrayList<>();
            Map<ChunkKind, int[]> counts = reencode(image, BlockEncoderFactory.of(wrong,
                    image.superBlock().blockSize()), failures);
            int[] data = counts.get(ChunkKind.DATA_BLOCK);
            System.out.printf("control  %-28s with %s: data %d/%d, inode %d/%d%n", v.name(), wrong.lines(), data[0],
                    data[1], counts.get(ChunkKind.INODE_TABLE)[0], counts.get(ChunkKind.INODE_TABLE)[1]);
            assertTrue(data[0] < data[1], "some data blocks must differ");
            int[] inodes = counts.get(ChunkKind.INODE_TABLE);
            assertEquals(metadataStillMatches, inodes[0] == inodes[1]);
        }
    }

    static Stream<Arguments> negativeControls() {
        return Stream.of(
                Arguments.of(v("xz-bcj-x86", "-comp", "xz", "-Xbcj", "x86"), new CompressorOptions.Xz(131072, 0), true),
                Arguments.of(v("xz", "-comp", "xz"), new CompressorOptions.Xz(1 << 20, 0), true),
                Arguments.of(v("lz4-hc", "-comp", "lz4", "-Xhc"), new CompressorOptions.Lz4(1, 3, OptionalInt.of(9)),
                        false));
    }

    /** Both zlib backends reproduce every gzip image they can express. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gzipVariants")
    void gzipThroughLibz(Variant v) throws Exception {
        try (SquashfsImage image = SquashfsImage.open(image(v))) {
            BlockEncoderFactory factory = BlockEncoderFactory.of(image.compressorOptions(),
                    image.superBlock().blockSize(), GzipBackend.ZLIB);
            Map<ChunkKind, int[]> counts = reencodeAll(image, factory);
            System.out.printf("reencode %-28s %s; %s%n", v.name() + " (libz)", factory.identity(), summary(counts));
        }
    }

    /**
     * Deflater cannot set a small window or the rle and fixed strategies: the JDK backend says so, and
     * {@link BlockEncoderFactory#forImage} picks libz exactly then (Deflater otherwise, whose output the
     * main test checks).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gzipVariants")
    void gzipThroughDeflaterOnlyWhereItReaches(Variant v) throws Exception {
        try (SquashfsImage image = SquashfsImage.open(image(v))) {
            CompressorOptions.Gzip g = (CompressorOptions.Gzip) image.compressorOptions();
            BlockEncoderFactory jdk = BlockEncoderFactory.of(g, image.superBlock().blockSize(), GzipBackend.JDK);
            boolean reaches = g.windowSize() == 15 && (g.strategies() & ~0b111) == 0;
            assertEquals(reaches, jdk.available(), () -> String.valueOf(jdk.unavailableReason()));
            assertEquals(reaches ? "java.util.zip" : "libz.so.1",
                    BlockEncoderFactory.forImage(image).identity().library());
            if (!reaches) {
                String why = jdk.unavailableReason().orElseThrow();
                assertTrue(why.startsWith("gzip blocks cannot be recompressed with java.util.zip: window size "
                        + g.windowSize() + " and strategies "), why);
            }
        }
    }
}
