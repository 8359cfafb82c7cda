package org.spindelta.bsdiff.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spindelta.bsdiff.Peers;
import org.spindelta.bsdiff.TestData;

/**
 * Block-by-block bzip2 decoding gives the bytes that went in, on streams of the real {@code bzip2}
 * (libbz2, what Debian's bsdiff writes with) and of commons-compress, reuses blocks of zeros, and
 * turns every kind of damage into a Fallback (never a wrong byte, a hang or another exception).
 */
@Timeout(120)
class BlockwiseBzip2Test {
    @TempDir
    Path dir;

    /**
     * Zeros, a random stretch, zeros, a diff-like stretch, zeros: 30 MB, so that at level 1 (blocks of
     * 100,000 symbols after bzip2's first run-length stage, ~5 MB of zeros) several blocks hold only
     * zeros and have the same coded bits.
     */
    static byte[] diffLike() {
        byte[] data = new byte[30_000_000];
        System.arraycopy(TestData.random(200_000, 1), 0, data, 7_000_000, 200_000);
        byte[] edits = TestData.random(100_000, 2);
        for (int i = 0; i < edits.length; i += 97) {
            data[15_000_000 + i] = edits[i]; // sparse non-zero bytes, as in a diff of edited data
        }
        return data;
    }

    @ParameterizedTest(name = "bzip2 -{0}")
    @ValueSource(ints = {1, 9})
    void decodesStreamsOfTheRealBzip2(int level) throws Exception {
        byte[] data = diffLike();
        Path in = dir.resolve("data");
        Files.write(in, data);
        Peers.run(dir, Peers.require("bzip2").toString(), "-k", "-" + level, in.toString());
        byte[] stream = Files.readAllBytes(dir.resolve("data.bz2"));
        BlockwiseBzip2 b = new BlockwiseBzip2(new ByteArrayInputStream(stream));
        assertArrayEquals(data, readAll(b, 65536));
        if (level == 1) {
            // 100k blocks: the zeros make runs of blocks with the same coded bits
            assertTrue(b.reusedBlocks() > 0, "reused " + b.reusedBlocks() + ", decoded " + b.decodedBlocks());
        }
        assertTrue(b.decodedBlocks() >= 1);
    }

    @Test
    void decodesCommonsCompressStreamsReadInAnySteps() throws IOException {
        byte[] data = diffLike();
        byte[] stream = compress(data, 1);
        for (int step : new int[] {7, 4096, 1 << 20}) {
            BlockwiseBzip2 b = new BlockwiseBzip2(new ByteArrayInputStream(stream));
            assertArrayEquals(data, readAll(b, step), "reading " + step + " bytes at a time");
            assertTrue(b.reusedBlocks() > 0);
        }
    }

    @Test
    void anEmptyStreamHasNoBytes() throws IOException {
        BlockwiseBzip2 b = new BlockwiseBzip2(new ByteArrayInputStream(compress(new byte[0], 9)));
        assertEquals(-1, b.read());
    }

    @Test
    void everyDamagedBitIsAFallbackOrTheRightBytes() throws IOException {
        byte[] data = Arrays.copyOf(TestData.textLike(150_000, 3), 400_000); // text, then zeros
        byte[] stream = compress(data, 1);
        int fallbacks = 0;
        for (long bit = 0; bit < 8L * stream.length; bit += 1 + bit / 3) {
            byte[] bad = stream.clone();
            bad[(int) (bit >>> 3)] ^= (byte) (0x80 >>> (bit & 7));
            try {
                byte[] got = readAll(new BlockwiseBzip2(new ByteArrayInputStream(bad)), 8192);
                // a flip in padding or unused table bits may change nothing; then the bytes must be right
                assertArrayEquals(data, got, "bit " + bit + " decoded to other bytes without a Fallback");
            } catch (BlockwiseBzip2.Fallback expected) {
                fallbacks++;
            }
        }
        assertTrue(fallbacks > 10, "fallbacks " + fallbacks);
    }

    @Test
    void truncationAndGarbageAreFallbacks() throws IOException {
        byte[] stream = compress(diffLike(), 9);
        for (int cut : new int[] {0, 3, 4, 10, stream.length / 2, stream.length - 5}) {
            byte[] part = Arrays.copyOf(stream, cut);
            assertThrows(BlockwiseBzip2.Fallback.class, () -> readAll(new BlockwiseBzip2(new ByteArrayInputStream(part)),
                    8192), "cut at " + cut);
        }
        // a header, then megabytes without any block magic: refused once past the largest block, not buffered
        byte[] endless = new byte[8 << 20];
        System.arraycopy(new byte[] {'B', 'Z', 'h', '9'}, 0, endless, 0, 4);
        Arrays.fill(endless, 4, endless.length, (byte) 0x55);
        BlockwiseBzip2.Fallback f = assertThrows(BlockwiseBzip2.Fallback.class,
                () -> readAll(new BlockwiseBzip2(new ByteArrayInputStream(endless)), 8192));
        assertTrue(f.getMessage().contains("coded bytes"), f.getMessage());
    }

    private static byte[] compress(byte[] data, int level) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(out, level)) {
            bz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] readAll(InputStream in, int step) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[step];
        for (int n; (n = in.read(buf, 0, step)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
