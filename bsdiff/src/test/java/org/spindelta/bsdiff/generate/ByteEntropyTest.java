package org.spindelta.bsdiff.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.spindelta.bsdiff.TestData;

/** The gate that decides whether a window's anchored runs get suffix-sorted. */
class ByteEntropyTest {
    @Test
    void uniformBytesHaveEightBits() {
        byte[] all = new byte[256 * 64];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        assertEquals(8.0, ByteEntropy.bitsPerByte(all, 0, all.length), 1e-9);
    }

    @Test
    void constantBytesHaveNone() {
        assertEquals(0.0, ByteEntropy.bitsPerByte(new byte[4096], 0, 4096), 1e-9);
        assertEquals(0.0, ByteEntropy.bitsPerByte(new byte[0], 0, 0), 1e-9);
    }

    @Test
    void compressedDataIsNotCompressibleButItsSourceIs() throws IOException {
        // a real file, and the same file deflated as a SquashFS gzip block would be
        byte[] real = Files.readAllBytes(Path.of(System.getProperty("java.home"), "lib", "libjava.so"));
        Deflater d = new Deflater(9);
        d.setInput(real);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        byte[] packed = out.toByteArray();
        assertTrue(ByteEntropy.compressible(real, 0, real.length), "an executable is compressible");
        assertFalse(ByteEntropy.compressible(packed, 0, packed.length), "deflated data is not");
        assertFalse(ByteEntropy.compressible(TestData.random(1 << 20, 5), 0, 1 << 20));
        assertTrue(ByteEntropy.compressible(TestData.textLike(1 << 20, 6), 0, 1 << 20));
    }

    @Test
    void onlyTheGivenRangeCounts() {
        byte[] b = TestData.random(1 << 16, 7);
        java.util.Arrays.fill(b, 0, 1 << 15, (byte) 0);
        assertTrue(ByteEntropy.compressible(b, 0, 1 << 15));
        assertFalse(ByteEntropy.compressible(b, 1 << 15, 1 << 15));
    }
}
