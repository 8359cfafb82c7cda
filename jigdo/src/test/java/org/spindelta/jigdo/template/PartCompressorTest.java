package org.spindelta.jigdo.template;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

class PartCompressorTest {
    /** Real system bytes of DATA-part size: text and machine code, as an image's unmatched bytes are. */
    private static byte[] realBytes() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String f : new String[] {"/etc/services", "/usr/bin/ls", "/etc/protocols", "/usr/bin/cat"}) {
            Path p = Path.of(f);
            if (Files.isRegularFile(p)) {
                b.writeBytes(Files.readAllBytes(p));
            }
        }
        byte[] all = b.toByteArray();
        assertTrue(all.length > 64 << 10, "too few system bytes to compress: " + all.length);
        return Arrays.copyOf(all, Math.min(all.length, 1 << 20));
    }

    private static byte[] inflate(byte[] z, int n, int expected) throws DataFormatException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(z, 0, n);
            byte[] out = new byte[expected + 1];
            int got = inf.inflate(out);
            assertTrue(inf.finished(), "one complete zlib stream");
            return Arrays.copyOf(out, got);
        } finally {
            inf.end();
        }
    }

    @Test
    void libdeflateIsBoundWhereCiInstallsIt() {
        // .ci/run installs libdeflate0: the smaller templates are what users get, so its absence is a failure
        assertNull(PartCompressor.libdeflateFailure());
    }

    @Test
    void bothCompressorsMakeZlibStreamsThatInflateToTheInput() throws Exception {
        byte[] in = realBytes();
        for (int level : new int[] {0, 1, 6, 9}) {
            try (PartCompressor lib = PartCompressor.libdeflate(level); PartCompressor jdk = PartCompressor.jdk(level)) {
                int n = lib.compress(in, in.length);
                assertArrayEquals(in, inflate(lib.output(), n, in.length), "libdeflate level " + level);
                int m = jdk.compress(in, in.length);
                assertArrayEquals(in, inflate(jdk.output(), m, in.length), "zlib level " + level);
            }
        }
    }

    @Test
    void aCompressorIsReusedPartAfterPartWithoutCarryingState() throws Exception {
        byte[] in = realBytes();
        try (PartCompressor lib = PartCompressor.create(9)) {
            int first = lib.compress(in, in.length);
            byte[] firstBytes = Arrays.copyOf(lib.output(), first);
            int small = lib.compress(in, 1000);
            assertArrayEquals(Arrays.copyOf(in, 1000), inflate(lib.output(), small, 1000));
            int again = lib.compress(in, in.length);
            assertArrayEquals(firstBytes, Arrays.copyOf(lib.output(), again), "same input, same stream");
        }
    }

    @Test
    void libdeflateLevelNineIsSmallerThanZlibLevelNine() throws Exception {
        byte[] in = realBytes();
        try (PartCompressor lib = PartCompressor.libdeflate(9); PartCompressor jdk = PartCompressor.jdk(9)) {
            int n = lib.compress(in, in.length);
            int m = jdk.compress(in, in.length);
            assertTrue(n < m, "libdeflate " + n + " bytes vs zlib " + m);
        }
    }

    @Test
    void theDefaultKeepsTheSmallerOfLibdeflatesAndZlibsStreams() throws Exception {
        // text and machine code, where libdeflate wins, and tar-like runs of headers and zeros, where zlib can
        byte[] mixed = realBytes();
        byte[] runs = new byte[200_000];
        for (int i = 0; i < runs.length; i += 10_240) {
            byte[] header = ("./usr/share/doc/file-" + i + "\u0000000644\u0000ustar  root").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(header, 0, runs, i, header.length);
        }
        for (byte[] in : new byte[][] {mixed, runs}) {
            try (PartCompressor best = PartCompressor.create(9); PartCompressor lib = PartCompressor.libdeflate(9);
                    PartCompressor jdk = PartCompressor.jdk(9)) {
                int n = best.compress(in, in.length);
                assertEquals(Math.min(lib.compress(in, in.length), jdk.compress(in, in.length)), n);
                assertArrayEquals(in, inflate(best.output(), n, in.length));
            }
        }
    }
}
