package org.spindelta.jigdo.iso;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spindelta.core.testing.PeerTools;

/**
 * A file over 4 GiB is stored as several extents (ISO 9660 level 3, multi-extent records): the reader
 * joins them, in order, at offsets beyond 4 GiB. The file is sparse with markers at known offsets, so the
 * test needs ~4.3 GB of disk for the image and ~20 s.
 */
class IsoLargeFileTest {
    private static final long SIZE = (4L << 30) + 300_000_000L;
    private static final long[] MARKS = {0, (4L << 30) - 2048 - 7, (4L << 30) + 12_345, SIZE - 20};

    @Test
    void multiExtentFileOver4GiB(@TempDir Path dir) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Path big = tree.resolve("big.img");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(SIZE);
            for (long m : MARKS) {
                f.seek(m);
                f.write(("mark@" + m).getBytes(StandardCharsets.US_ASCII), 0, Math.min(20, ("mark@" + m).length()));
            }
        }
        Files.writeString(tree.resolve("after.txt"), "a small file after the big one\n");
        Path iso = dir.resolve("large.iso");
        Process p = new ProcessBuilder(PeerTools.require("xorriso", "xorriso").toString(), "-file_size_limit", "off", "--",
                "-compliance", "iso_9660_level=3", "-outdev", iso.toString(), "-map", tree.toString(), "/")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Files.delete(big);

        try (FileChannel ch = FileChannel.open(iso)) {
            List<IsoFile> files = IsoImage.read(ch).files();
            IsoFile f = files.stream().filter(x -> x.path().equals("/big.img")).findFirst().orElseThrow();
            assertEquals(SIZE, f.size());
            assertTrue(f.extents().size() >= 2, "multi-extent: " + f.extents());
            long isoSize = ch.size();
            assertTrue(f.extents().stream().allMatch(e -> e.end() <= isoSize));
            for (long m : MARKS) {
                byte[] want = ("mark@" + m).getBytes(StandardCharsets.US_ASCII);
                byte[] got = new byte[Math.min(20, want.length)];
                ch.read(ByteBuffer.wrap(got), imageOffset(f, m));
                assertArrayEquals(java.util.Arrays.copyOf(want, got.length), got, "marker at file offset " + m);
            }
            IsoFile after = files.stream().filter(x -> x.path().equals("/after.txt")).findFirst().orElseThrow();
            byte[] b = new byte[(int) after.size()];
            ch.read(ByteBuffer.wrap(b), after.extents().get(0).offset());
            assertEquals("a small file after the big one\n", new String(b, StandardCharsets.US_ASCII));
        }
    }

    /** Where byte {@code at} of the file lies in the image. */
    private static long imageOffset(IsoFile f, long at) {
        for (Extent e : f.extents()) {
            if (at < e.length()) {
                return e.offset() + at;
            }
            at -= e.length();
        }
        throw new IllegalArgumentException("past the file's end");
    }
}
