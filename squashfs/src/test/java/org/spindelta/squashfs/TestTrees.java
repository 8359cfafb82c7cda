package org.spindelta.squashfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** A small real file tree (a few MB) to build images from: system files plus generated ones. */
public final class TestTrees {
    private TestTrees() {}

    /** Budget for copied system files, so the whole suite stays fast. */
    private static final long COPY_BUDGET = 2_500_000;

    static Path build(Path root) throws IOException {
        Files.createDirectories(root);
        long[] budget = {COPY_BUDGET};
        copyTree(Path.of("/usr/share/perl5"), root.resolve("perl5"), budget);
        copyTree(Path.of("/usr/lib/python3.11/json"), root.resolve("python/json"), budget);
        Path bin = Files.createDirectories(root.resolve("bin"));
        for (String tool : List.of("ls", "cat", "mksquashfs", "gzip")) {
            Path p = Path.of("/usr/bin", tool);
            if (Files.isRegularFile(p) && Files.size(p) < 600_000) {
                Files.copy(p, bin.resolve(tool));
            }
        }
        // a file over 1 MiB so -b 1M has full blocks, mixing text and noisy bytes
        byte[] big = new byte[1_300_000];
        SplittableRandom r = new SplittableRandom(42);
        byte[] words = SyntheticImage.text(big.length, 43);
        for (int i = 0; i < big.length; i++) {
            big[i] = (i / 65536) % 3 == 0 ? (byte) r.nextInt(256) : words[i];
        }
        Files.write(root.resolve("big.bin"), big);
        Files.write(root.resolve("empty"), new byte[0]);
        Files.createDirectories(root.resolve("empty-dir"));
        Files.writeString(root.resolve("small.txt"), "a tail that lives in a fragment\n");
        Files.createSymbolicLink(root.resolve("link-to-small"), Path.of("small.txt"));
        Files.createLink(root.resolve("hardlink-to-small"), root.resolve("small.txt"));
        Files.write(root.resolve("duplicate.bin"), java.util.Arrays.copyOf(big, 200_000));
        Files.write(root.resolve("duplicate2.bin"), java.util.Arrays.copyOf(big, 200_000));
        return root;
    }

    /** Copies regular files and directories below {@code from} until {@code budget[0]} bytes are used. */
    public static void copyTree(Path from, Path to, long[] budget) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                if (budget[0] <= 0) {
                    return;
                }
                Path dst = to.resolve(from.relativize(p).toString());
                try {
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectories(dst);
                    } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.isReadable(p)) {
                        Files.createDirectories(dst.getParent());
                        Files.copy(p, dst, StandardCopyOption.COPY_ATTRIBUTES);
                        budget[0] -= Files.size(p);
                    }
                } catch (UncheckedIOException | IOException e) {
                    // an unreadable system file only makes the tree smaller
                }
            }
        }
    }
}
