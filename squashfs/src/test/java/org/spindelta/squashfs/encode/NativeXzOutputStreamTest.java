package org.spindelta.squashfs.encode;

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
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.SingleXZInputStream;
import org.tukaani.xz.XZInputStream;

/** The multi-threaded liblzma stream, read back by xz-java and by the xz tool. */
class NativeXzOutputStreamTest {

    /** Real files (system libraries) and incompressible bytes: ~6 MiB, several 1 MiB blocks. */
    private static byte[] sample() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (Stream<Path> s = Files.list(Path.of("/usr/lib/x86_64-linux-gnu"))) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile).sorted()::iterator) {
                if (b.size() > (5 << 20)) {
                    break;
                }
                b.write(Files.readAllBytes(p));
            }
        }
        byte[] noise = new byte[1 << 20];
        new SplittableRandom(7).nextBytes(noise);
        b.write(noise);
        return b.toByteArray();
    }

    /**
     * A dictionary sized to the input: the stream decodes within a memory limit the preset's 8 MiB
     * dictionary does not fit, compresses about as well, and the encoder needs far less memory.
     */
    @Test
    void aSmallDictionaryShrinksWhatEncoderAndDecoderNeed() throws Exception {
        byte[] data = java.util.Arrays.copyOf(sample(), 1 << 20);
        ByteArrayOutputStream preset = new ByteArrayOutputStream();
        try (NativeXzOutputStream x = new NativeXzOutputStream(preset, 6, 1, 0)) {
            x.write(data);
        }
        ByteArrayOutputStream small = new ByteArrayOutputStream();
        try (NativeXzOutputStream x = new NativeXzOutputStream(small, 6, data.length, 1, 0)) {
            x.write(data);
        }
        int limitKiB = 2048; // the 1 MiB dictionary and the decoder's state, not 8 MiB
        try (InputStream in = new XZInputStream(new ByteArrayInputStream(small.toByteArray()), limitKiB)) {
            assertArrayEquals(data, in.readAllBytes());
        }
        assertThrows(org.tukaani.xz.MemoryLimitException.class, () -> {
            try (InputStream in = new XZInputStream(new ByteArrayInputStream(preset.toByteArray()), limitKiB)) {
                in.readAllBytes();
            }
        });
        assertTrue(small.size() <= preset.size() * 101L / 100, small.size() + " against " + preset.size());
    }

    @Test
    void xzJavaReadsWhatSeveralThreadsWrote() throws Exception {
        byte[] data = sample();
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (NativeXzOutputStream x = new NativeXzOutputStream(packed, 6, 2, 1 << 20)) {
            // odd write sizes cross the 1 MiB staging buffer
            for (int off = 0; off < data.length; ) {
                int n = Math.min(data.length - off, 1 + (off % 700_001));
                x.write(data, off, n);
                off += n;
            }
            x.write(data[0]);
        }
        byte[] xz = packed.toByteArray();
        assertTrue(xz.length < data.length, "compressed: " + xz.length + " of " + data.length);
        byte[] expected = new byte[data.length + 1];
        System.arraycopy(data, 0, expected, 0, data.length);
        expected[data.length] = data[0];
        try (InputStream in = new XZInputStream(new ByteArrayInputStream(xz))) {
            assertArrayEquals(expected, in.readAllBytes());
        }
        // one stream (not several concatenated), in several blocks: SingleXZInputStream reads it whole
        try (InputStream in = new SingleXZInputStream(new ByteArrayInputStream(xz))) {
            assertEquals(expected.length, in.readAllBytes().length);
        }
    }

    @Test
    void theXzToolReadsIt() throws Exception {
        byte[] data = sample();
        Path dir = Files.createTempDirectory("nativexz");
        Path f = dir.resolve("c.xz");
        try (var out = Files.newOutputStream(f); NativeXzOutputStream x = new NativeXzOutputStream(out, 3, 2, 0)) {
            x.write(data);
        }
        Process p = new ProcessBuilder("xz", "-t", f.toString()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "xz -t: " + said);
        Files.delete(f);
        Files.delete(dir);
    }

    @Test
    void emptyInputIsAValidStream() throws Exception {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        new NativeXzOutputStream(packed, 6, 2, 0).close();
        try (InputStream in = new XZInputStream(new ByteArrayInputStream(packed.toByteArray()))) {
            assertEquals(0, in.readAllBytes().length);
        }
    }

    @Test
    void writingAfterCloseFailsAndOptionsAreChecked() throws Exception {
        NativeXzOutputStream x = new NativeXzOutputStream(new ByteArrayOutputStream(), 1, 1, 0);
        x.close();
        x.close(); // twice is harmless
        assertThrows(IOException.class, () -> x.write(new byte[1], 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new NativeXzOutputStream(new ByteArrayOutputStream(), 10, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new NativeXzOutputStream(new ByteArrayOutputStream(), 6, 0, 0));
        assertTrue(NativeXzOutputStream.memoryUsage(6, 2, 24 << 20) > NativeXzOutputStream.memoryUsage(6, 1, 24 << 20),
                "liblzma's estimate grows with threads");
    }
}
