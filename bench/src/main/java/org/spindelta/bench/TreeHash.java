package org.spindelta.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.spindelta.core.Sha256;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.read.FileReader;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;

/**
 * Full-tree hashing through the SquashFS read API, the macro benchmark's "ours" row for hashing (see
 * {@code bench/sqfs-macro.sh}): walks the image (one thread: {@link SquashfsTree} is not thread-safe),
 * then SHA-256es every regular file's content on all cores, one {@link FileReader} per thread, and
 * prints one {@code sha256  path} line per file sorted by the path's bytes, as {@code sha256sum} prints
 * them (paths relative to the image root, no "./"; a name with a backslash or newline is escaped and
 * its line starts with a backslash, as coreutils does). Hard links are hashed once per name, as
 * {@code find -type f | xargs sha256sum} does on the extracted tree.
 *
 * <p>Work is handed out in batches of consecutive files in walk order (about {@value #BATCH_FILES}
 * files or {@value #BATCH_BYTES} bytes), cut only between files whose tails lie in different fragment
 * blocks, so each fragment block is decoded by one thread, once: its reader keeps the last one. (Cut
 * anywhere, two threads decoded a third of the xz image's fragment blocks twice.)
 *
 * <pre>
 * java -Xmx256m -cp bench/target/benchmarks.jar org.spindelta.bench.TreeHash IMAGE [--threads N] &gt; sums
 * </pre>
 * A summary (files, bytes, seconds) goes to stderr. Exit status 1 on any error (one line on stderr).
 */
public final class TreeHash {
    private static final int BATCH_FILES = 64;
    private static final long BATCH_BYTES = 4L << 20;

    private TreeHash() {}

    private record Entry(String path, byte[] pathBytes, Inode.File file) {
    }

    public static void main(String[] args) throws Exception {
        Path image = null;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("usage: TreeHash IMAGE [--threads N]");
                    return;
                }
                default -> {
                    if (image != null) {
                        usage("one IMAGE expected, got a second: " + args[i]);
                    }
                    image = Path.of(args[i]);
                }
            }
        }
        if (image == null) {
            usage("IMAGE missing");
        }
        if (threads < 1) {
            usage("--threads must be at least 1, got " + threads);
        }
        try {
            run(image, threads);
        } catch (IOException e) {
            System.err.println("treehash: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void usage(String why) {
        System.err.println("treehash: " + why + "\nusage: TreeHash IMAGE [--threads N]");
        System.exit(2);
    }

    private static void run(Path imageFile, int threads) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        try (SquashfsImage image = SquashfsImage.open(imageFile)) {
            List<Entry> files = new ArrayList<>();
            try (SquashfsTree tree = SquashfsTree.open(image)) {
                tree.walk(n -> {
                    if (n.inode() instanceof Inode.File f) {
                        files.add(new Entry(n.path(), n.path().getBytes(StandardCharsets.UTF_8), f));
                    }
                });
            }
            long t1 = System.nanoTime();
            byte[][] sums = hashAll(image, files, threads);
            long t2 = System.nanoTime();

            Integer[] order = new Integer[files.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(files.get(a).pathBytes(), files.get(b).pathBytes()));
            HexFormat hex = HexFormat.of();
            long bytes = 0;
            BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
            for (int i : order) {
                Entry e = files.get(i);
                bytes += e.file().size();
                String p = e.path();
                if (p.indexOf('\\') >= 0 || p.indexOf('\n') >= 0) {
                    out.write('\\');
                    p = p.replace("\\", "\\\\").replace("\n", "\\n");
                }
                out.write(hex.formatHex(sums[i]));
                out.write("  ");
                out.write(p);
                out.write('\n');
            }
            out.flush();
            PrintStream err = System.err;
            double s = (t2 - t0) / 1e9;
            err.printf(Locale.ROOT, "treehash: %d files, %.1f MB in %.2f s (walk %.2f s, hash %.2f s), %.1f MB/s,"
                    + " %d threads%n", files.size(), bytes / 1e6, s, (t1 - t0) / 1e9, (t2 - t1) / 1e9, bytes / 1e6 / s,
                    threads);
        }
    }

    /** Whether both files have their tails in the same fragment block. */
    private static boolean sameFragment(Inode.File a, Inode.File b) {
        return a.hasFragment() && b.hasFragment() && a.fragmentIndex() == b.fragmentIndex();
    }

    /** The SHA-256 of each file's content, by index into {@code files}. */
    private static byte[][] hashAll(SquashfsImage image, List<Entry> files, int threads)
            throws IOException, InterruptedException {
        // batch boundaries: consecutive files, bounded in count and bytes
        List<int[]> batches = new ArrayList<>();
        int start = 0;
        long bytes = 0;
        for (int i = 0; i < files.size(); i++) {
            bytes += files.get(i).file().size();
            boolean full = i + 1 - start >= BATCH_FILES || bytes >= BATCH_BYTES;
            if (i + 1 == files.size() || full && !sameFragment(files.get(i).file(), files.get(i + 1).file())) {
                batches.add(new int[] {start, i + 1});
                start = i + 1;
                bytes = 0;
            }
        }
        byte[][] sums = new byte[files.size()][];
        AtomicInteger next = new AtomicInteger();
        int blockSize = image.superBlock().blockSize();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    byte[] buf = new byte[blockSize];
                    MessageDigest md = Sha256.newDigest();
                    try (FileReader reader = FileReader.open(image)) {
                        int b;
                        while ((b = next.getAndIncrement()) < batches.size()) {
                            for (int i = batches.get(b)[0]; i < batches.get(b)[1]; i++) {
                                Entry e = files.get(i);
                                long pos = 0;
                                int n;
                                while ((n = reader.read(e.file(), e.path(), pos, buf, 0, buf.length)) > 0) {
                                    md.update(buf, 0, n);
                                    pos += n;
                                }
                                sums[i] = md.digest();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    next.set(batches.size()); // stop the other threads early
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return sums;
    }
}
