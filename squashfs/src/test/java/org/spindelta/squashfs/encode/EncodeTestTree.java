package org.spindelta.squashfs.encode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.spindelta.squashfs.TestTrees;

/**
 * The file tree the encoder tests image (about 4 MB): what makes each codec choice show up. x86-64
 * binaries (BCJ x86 wins some blocks, LZMA2 alone others), text (small files: many fragments and
 * several inode and directory metadata blocks), a file over 1 MiB (full blocks at -b 1M), random bytes
 * (data and fragment blocks stored raw; over 1 MiB, so a raw block at -b 1M too), long runs of zeros,
 * and an xattr when setfattr works. Built like the reader tests' TestTrees (package-private there),
 * with more binaries and raw blocks.
 */
final class EncodeTestTree {
    private EncodeTestTree() {}

    private static final long TEXT_BUDGET = 1_000_000;
    private static final long BINARY_BUDGET = 1_000_000;

    static Path build(Path root) throws IOException {
        Files.createDirectories(root);
        TestTrees.copyTree(Path.of("/usr/share/perl5"), root.resolve("perl5"), new long[] {TEXT_BUDGET});
        Path bin = Files.createDirectories(root.resolve("bin"));
        long[] budget = {BINARY_BUDGET};
        for (String tool : List.of("ls", "cat", "gzip", "mksquashfs", "unsquashfs", "sed")) {
            Path p = Path.of("/usr/bin", tool);
            if (budget[0] > 0 && Files.isRegularFile(p)) {
                Files.copy(p, bin.resolve(tool));
                budget[0] -= Files.size(p);
            }
        }
        SplittableRandom r = new SplittableRandom(7);
        byte[] big = new byte[1_300_000];
        byte[] words = text(big.length, 8);
        for (int i = 0; i < big.length; i++) {
            big[i] = (i / 65536) % 3 == 0 ? (byte) r.nextInt(256) : words[i];
        }
        Files.write(root.resolve("big.bin"), big);
        byte[] noise = new byte[1_100_000];
        r.nextBytes(noise);
        Files.write(root.resolve("random.bin"), noise);
        Path tails = Files.createDirectories(root.resolve("random-tails"));
        for (int i = 0; i < 60; i++) {
            byte[] t = new byte[1500 + 37 * i];
            r.nextBytes(t);
            Files.write(tails.resolve(String.format("t%02d", i)), t);
        }
        Files.write(root.resolve("zeros"), new byte[400_000]);
        Files.write(root.resolve("mostly-zeros"), Arrays.copyOf(text(3000, 9), 200_000));
        Files.writeString(root.resolve("small.txt"), "a tail that lives in a fragment\n");
        Path x = root.resolve("with-xattrs");
        Files.writeString(x, "xattrs\n");
        try {
            new ProcessBuilder("setfattr", "-n", "user.k", "-v", "value", x.toString()).start().waitFor();
        } catch (IOException | InterruptedException e) {
            // no setfattr: the images just have no xattr table
        }
        return root;
    }

    /** Pseudo-English text: words from a small list, seeded. */
    static byte[] text(int length, long seed) {
        String[] w = {"squashfs", "block", "fragment", "inode", "the", "of", "and", "compressed", "directory",
            "table", "a", "to", "image", "data", "metadata", "live", "spin", "patch", "\n"};
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder(length + 16);
        while (b.length() < length) {
            b.append(w[r.nextInt(w.length)]).append(' ');
        }
        return Arrays.copyOf(b.toString().getBytes(StandardCharsets.US_ASCII), length);
    }

}
