package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.chunk.Chunk;
import org.spindelta.squashfs.chunk.ChunkKind;
import org.spindelta.squashfs.chunk.ChunkMap;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.codec.GzipBlockDecompressor;
import org.spindelta.squashfs.codec.NativeZlibBlockDecompressor;
import org.spindelta.squashfs.format.Compressor;
import org.spindelta.squashfs.read.SquashfsImage;

/**
 * libdeflate's gzip decoder against the JDK's zlib, which is what unsquashfs's {@code uncompress()} is:
 * the same bytes for every block of a real mksquashfs image, and the same verdicts on the zlib corner
 * cases (bytes after the stream, preset dictionary, a bad Adler-32). The shared contract (limits, bombs,
 * garbage) is {@link BlockDecompressorTest}, which runs on this decoder wherever libdeflate loads.
 */
class NativeZlibBlockDecompressorTest {
    @BeforeAll
    static void libdeflateLoads() {
        // .ci/run installs libdeflate0: in CI the fast path must really be the one tested
        if (System.getenv("CI") != null) {
            assertTrue(NativeZlibBlockDecompressor.isAvailable(), "libdeflate.so.0 must load in CI");
        }
        assumeTrue(NativeZlibBlockDecompressor.isAvailable(), "libdeflate.so.0 is not installed");
    }

    @Test
    void isWhatGzipImagesGet() {
        try (BlockDecompressor d = BlockDecompressor.forCompressor(Compressor.ZLIB, null)) {
            assertInstanceOf(NativeZlibBlockDecompressor.class, d);
        }
    }

    @Test
    void decodesEveryBlockOfARealImageLikeZlib(@TempDir Path dir) throws Exception {
        Path tree = TestTrees.build(dir.resolve("tree"));
        Path img = dir.resolve("gzip.sqfs");
        Peers.run(dir, List.of(Peers.require("mksquashfs").toString(), tree.toString(), img.toString(), "-noappend",
                "-no-progress", "-comp", "gzip", "-b", "4096", "-processors", "2"));
        int blocks = 0;
        try (SquashfsImage image = SquashfsImage.open(img); BlockDecompressor ours = new NativeZlibBlockDecompressor();
                BlockDecompressor zlib = new GzipBlockDecompressor()) {
            byte[] stored = new byte[8194];
            byte[] a = new byte[8192];
            byte[] b = new byte[8192];
            for (Chunk c : ChunkMap.build(image).chunks()) {
                if (!c.compressed()) {
                    continue;
                }
                int skip = c.kind().metadata() || c.kind() == ChunkKind.COMPRESSOR_OPTIONS
                        ? 2 : 0; // a metadata block's u16 header
                int n = (int) c.length() - skip;
                image.source().read(c.offset() + skip, stored, 0, n, "block");
                int na = ours.decompress(stored, 0, n, a, 0, a.length);
                int nb = zlib.decompress(stored, 0, n, b, 0, b.length);
                assertEquals(nb, na, c::describe);
                assertEquals(c.decodedSize(), na, c::describe);
                assertArrayEquals(Arrays.copyOf(b, nb), Arrays.copyOf(a, na), c::describe);
                blocks++;
            }
        }
        assertTrue(blocks > 100, "the tree should give many compressed blocks, got " + blocks);
    }

    @Test
    void bytesAfterTheStreamAreIgnoredLikeUncompress() throws Exception {
        byte[] data = SyntheticImage.text(50_000, 7);
        byte[] z = SyntheticImage.zlib(data);
        byte[] padded = Arrays.copyOf(z, z.length + 100);
        Arrays.fill(padded, z.length, padded.length, (byte) 0x5a);
        for (BlockDecompressor d : both()) {
            try (d) {
                byte[] out = new byte[131072];
                int n = d.decompress(padded, 0, padded.length, out, 0, out.length);
                assertArrayEquals(data, Arrays.copyOf(out, n), d.getClass().getSimpleName());
            }
        }
    }

    @Test
    void aBadChecksumOrAPresetDictionaryIsCorrupt() throws Exception {
        byte[] data = SyntheticImage.text(20_000, 8);
        byte[] badSum = SyntheticImage.zlib(data);
        badSum[badSum.length - 1] ^= 1;
        Deflater withDictionary = new Deflater(9);
        withDictionary.setDictionary("the quick brown fox".getBytes());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, withDictionary)) {
            z.write(data);
        }
        withDictionary.end();
        byte[] dictionary = out.toByteArray();
        for (byte[] bad : List.of(badSum, dictionary, Arrays.copyOf(badSum, badSum.length / 2))) {
            for (BlockDecompressor d : both()) {
                try (d) {
                    CorruptInputException e = assertThrows(CorruptInputException.class,
                            () -> d.decompress(bad, 0, bad.length, new byte[131072], 0, 131072));
                    assertTrue(e.getMessage().contains("gzip") || e.getMessage().contains("zlib"), e.getMessage());
                }
            }
        }
    }

    private static List<BlockDecompressor> both() {
        return List.of(new NativeZlibBlockDecompressor(), new GzipBlockDecompressor());
    }
}
