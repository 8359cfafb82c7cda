package org.spindelta.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;

/**
 * Metadata walk speed in inodes/s: {@link SquashfsTree#open} on an open image, then a depth-first
 * {@link SquashfsTree#walk} of the whole tree that touches every inode (type, mode, ids, mtime, size),
 * per compressor (metadata blocks are compressed with the image's compressor). No file data is read.
 * Each invocation opens a fresh tree, so no decoded metadata block is reused from the last walk.
 *
 * <p>The image is made by mksquashfs from a real tree ({@link SampleImages}): by default a sample of
 * {@code /usr/share} (up to 20000 files and symlinks, 64 MB), cached under {@code
 * /tmp/spindelta-bench/}. {@code -p tree=DIR -p megabytes=0} images a whole tree instead, e.g. a root
 * filesystem.
 *
 * <p>Read the {@code walk:inodes} line: an aux counter of inodes visited (directories, files, symlinks,
 * devices; hard links once per name), which in throughput mode JMH reports per second, i.e. inodes/s
 * (the unit column says "ops/s"). The plain {@code walk} line is whole-tree walks per second.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar SquashfsWalkBenchmark -p compressor=xz
 * java -jar bench/target/benchmarks.jar SquashfsWalkBenchmark -p tree=/srv/rootfs -p megabytes=0
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class SquashfsWalkBenchmark {
    /** mksquashfs {@code -comp} name. */
    @Param({"gzip", "xz", "lzma", "lzo", "lz4", "zstd"})
    public String compressor;

    /** The real tree the image is made from. */
    @Param({"/usr/share"})
    public String tree;

    /** Sample budget in MB; 0 images the whole tree. */
    @Param({"64"})
    public int megabytes;

    /** Most files and symlinks in the sample. */
    @Param({"20000"})
    public int files;

    private SquashfsImage image;
    private long inodesPerWalk;

    @Setup(Level.Trial)
    public void open() throws IOException {
        Path p = SampleImages.image(Path.of(tree), megabytes, files, compressor);
        image = SquashfsImage.open(p);
        long[] count = new long[1];
        try (SquashfsTree t = SquashfsTree.open(image)) {
            t.walk(n -> count[0]++);
        }
        inodesPerWalk = count[0];
        System.out.printf(Locale.ROOT, "%n%s: %d inodes walked (superblock inode_count %d)%n", p, inodesPerWalk,
                image.superBlock().inodeCount());
    }

    /** Counts inodes visited; in throughput mode JMH divides it by time, giving inodes/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Inodes {
        public double inodes;

        @Setup(Level.Iteration)
        public void reset() {
            inodes = 0;
        }
    }

    @Benchmark
    public long walk(Inodes counter) throws IOException {
        long[] acc = new long[2];
        try (SquashfsTree t = SquashfsTree.open(image)) {
            t.walk(n -> {
                Inode i = n.inode();
                var h = i.header();
                long v = h.permissions() * 31L + h.uidIndex() + h.gidIndex() * 7L + h.mtime() + i.type().value();
                if (i instanceof Inode.File f) {
                    v += f.size();
                }
                acc[0] += v;
                acc[1]++;
            });
        }
        counter.inodes += acc[1];
        return acc[0];
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        image.close();
    }
}
