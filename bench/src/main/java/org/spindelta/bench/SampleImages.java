package org.spindelta.bench;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real SquashFS images for the JMH benchmarks, made by {@code mksquashfs} (squashfs-tools) from a real
 * directory tree and cached, so a benchmark runs anywhere those tools are installed and only the first
 * run pays for building.
 *
 * <p>The cache is {@code ${java.io.tmpdir}/spindelta-bench/} (override with {@code
 * -Dspindelta.bench.cache=DIR}). With a byte budget, a sample of the tree is copied there first: its
 * regular files and symlinks in sorted path order, skipping files over an eighth of the budget, until
 * the budget or the file cap is reached, keeping their relative paths, modes and mtimes. The image is
 * named after the tree, the sample limits and the compressor; delete it to rebuild (e.g. after the tree
 * changed).
 */
final class SampleImages {
    private SampleImages() {}

    /** The cache directory. */
    static Path cache() {
        String d = System.getProperty("spindelta.bench.cache");
        return d != null ? Path.of(d)
                : Path.of(System.getProperty("java.io.tmpdir"), "spindelta-bench");
    }

    /**
     * An image of {@code tree} compressed with {@code compressor} (mksquashfs's {@code -comp} name),
     * built unless cached.
     *
     * @param megabytes the sample's byte budget in MB (10^6); 0 images the whole tree in place
     * @param maxFiles the most files and symlinks the sample takes (ignored when {@code megabytes} is 0;
     *     Integer.MAX_VALUE for no cap)
     */
    static Path image(Path tree, int megabytes, int maxFiles, String compressor) throws IOException {
        if (!Files.isDirectory(tree)) {
            throw new IOException("tree " + tree + " is not a directory");
        }
        Path cache = cache();
        Files.createDirectories(cache);
        String key = tree.toAbsolutePath().normalize().toString().replaceAll("^/+", "").replace('/', '-')
                + (megabytes <= 0 ? ".whole" : "." + megabytes + "MB" + (maxFiles < Integer.MAX_VALUE ? "." + maxFiles + "files" : ""));
        Path image = cache.resolve(key + "." + compressor + ".sqfs");
        if (Files.isRegularFile(image)) {
            return image;
        }
        Path source = tree;
        if (megabytes > 0) {
            source = cache.resolve(key + ".tree");
            if (!Files.isDirectory(source)) {
                sample(tree, source, megabytes * 1_000_000L, maxFiles);
            }
        }
        Path part = cache.resolve(image.getFileName() + ".part");
        Files.deleteIfExists(part);
        List<String> cmd = List.of("mksquashfs", source.toString(), part.toString(), "-comp", compressor,
                "-noappend", "-no-progress", "-quiet");
        System.out.printf("%nbuilding %s: %s%n", image, String.join(" ", cmd));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .start();
        int rc;
        try {
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("mksquashfs took over 30 minutes: " + String.join(" ", cmd));
            }
            rc = p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running mksquashfs", e);
        }
        if (rc != 0) {
            Files.deleteIfExists(part);
            throw new IOException("mksquashfs exited " + rc + " (is squashfs-tools installed?): " + String.join(" ", cmd));
        }
        Files.move(part, image, StandardCopyOption.ATOMIC_MOVE);
        return image;
    }

    /** Copies the sample of {@code tree} described in the class comment to {@code dest}. */
    private static void sample(Path tree, Path dest, long budget, int maxFiles) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(tree)) {
            all = new ArrayList<>(s.filter(p -> !p.equals(tree)).sorted().toList());
        }
        Path part = dest.resolveSibling(dest.getFileName() + ".part");
        deleteTree(part);
        Files.createDirectories(part);
        long bytes = 0;
        int files = 0;
        for (Path p : all) {
            if (files >= maxFiles || bytes >= budget) {
                break;
            }
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() && !a.isSymbolicLink() || a.isRegularFile() && a.size() > budget / 8) {
                continue;
            }
            Path to = part.resolve(tree.relativize(p).toString());
            Files.createDirectories(to.getParent());
            try {
                Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            } catch (AccessDeniedException e) {
                continue;
            }
            files++;
            bytes += a.isRegularFile() ? a.size() : 0;
        }
        System.out.printf(Locale.ROOT, "%nsampled %d files and symlinks, %.1f MB, of %s into %s%n", files, bytes / 1e6,
                tree, dest);
        Files.move(part, dest, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toArray(Path[]::new)) {
                Files.delete(p);
            }
        }
    }
}
