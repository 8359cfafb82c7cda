package org.spindelta.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.spindelta.bsdiff.apply.ApplyOptions;
import org.spindelta.bsdiff.apply.ApplyResult;
import org.spindelta.bsdiff.apply.BsPatch;
import org.spindelta.bsdiff.format.PatchFormat;
import org.spindelta.bsdiff.generate.BsDiff;
import org.spindelta.bsdiff.generate.DiffOptions;
import org.spindelta.bsdiff.generate.DiffSummary;
import org.spindelta.core.Progress;

/**
 * {@link BsPatch#apply} speed in MB/s of NEW written, per patch format, file to file (the result is
 * staged, fsynced and renamed like a user's apply).
 *
 * <p>The pair is made once per trial: OLD is {@code size} random bytes, NEW an edited copy (point
 * edits as from relocated addresses, inserted fresh bytes, deletions, one block moved from front to
 * back), so every format does real diff-adding, literal copying and a far seek. The patch is made
 * in the trial's setup with {@link BsDiff} at default options, then applied each invocation.
 *
 * <p>Read the {@code apply:megabytes} line (MB = 10^6 bytes of NEW per second; JMH labels it
 * "ops/s"). At the end of each trial the peak heap used during the measured applies is printed.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar ApplyBenchmark -p format=spdw-zstd -p threads=1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class ApplyBenchmark {
    @Param({"bsdiff40", "spdw-xz", "spdw-zstd"})
    public String format;

    /** Bytes of OLD (NEW is about as large). */
    @Param({"33554432"})
    public int size;

    /** Apply threads (windowed formats only); 0 means all cores. */
    @Param({"0"})
    public int threads;

    private Path dir;
    private Path oldFile;
    private Path patchFile;
    private Path newFile;
    private ApplyOptions options;

    @Setup(Level.Trial)
    public void makePatch() throws IOException {
        dir = Files.createTempDirectory("spindelta-apply-bench");
        oldFile = dir.resolve("old");
        Path target = dir.resolve("new");
        patchFile = dir.resolve("patch");
        newFile = dir.resolve("result");
        byte[] old = EditedPair.random(size, 1);
        byte[] nw = EditedPair.edited(old, 2);
        Files.write(oldFile, old);
        Files.write(target, nw);
        DiffSummary s = BsDiff.diff(oldFile, target, patchFile,
                DiffOptions.defaults().withFormat(PatchFormat.fromCliName(format)), Progress.NONE);
        System.out.printf("%n%s%n", s);
        Files.delete(target);
        options = threads == 0 ? ApplyOptions.defaults() : new ApplyOptions(threads);
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage(); // so the teardown figure covers the applies, not the diff above
        }
    }

    /** Counts MB of NEW written; in throughput mode JMH divides it by time, giving MB/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Throughput {
        public double megabytes;

        @Setup(Level.Iteration)
        public void reset() {
            megabytes = 0;
        }
    }

    @Benchmark
    public ApplyResult apply(Throughput counter) throws IOException {
        ApplyResult r = BsPatch.apply(oldFile, patchFile, newFile, options, Progress.NONE);
        counter.megabytes += r.newSize() / 1e6;
        return r;
    }

    @TearDown(Level.Trial)
    public void cleanUp() throws IOException {
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        System.out.printf("%npeak heap during applies (sum of pool peaks, an upper bound): %.1f MB; patch %d bytes%n",
                peak / 1e6, Files.size(patchFile));
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toArray(Path[]::new)) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A deterministic OLD and an edited NEW, the kind of pair bsdiff is made for. */
    static final class EditedPair {
        private EditedPair() {}

        static byte[] random(int n, long seed) {
            return SuffixSortBenchmark.random(n, seed);
        }

        /**
         * Walks OLD in runs of up to 4 KiB: a third of the runs get point edits (about one byte in 200),
         * one run in ten is followed by up to 2000 fresh bytes, one in ten by skipping up to 1000 bytes
         * of OLD. Finally a tenth of the result is moved from near the front to the end.
         */
        static byte[] edited(byte[] old, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            ByteArrayOutputStream out = new ByteArrayOutputStream(old.length + old.length / 8 + 16);
            int i = 0;
            while (i < old.length) {
                int run = Math.min(old.length - i, 1 + r.nextInt(4096));
                byte[] piece = Arrays.copyOfRange(old, i, i + run);
                if (r.nextInt(3) == 0) {
                    for (int k = 0; k <= run / 200; k++) {
                        piece[r.nextInt(run)] += (byte) (1 + r.nextInt(255));
                    }
                }
                out.writeBytes(piece);
                i += run;
                int roll = r.nextInt(10);
                if (roll == 0) {
                    out.writeBytes(random(1 + r.nextInt(2000), r.nextLong()));
                } else if (roll == 1) {
                    i += r.nextInt(1000);
                }
            }
            byte[] b = out.toByteArray();
            if (b.length < 10_000) {
                return b;
            }
            int from = 100;
            int len = b.length / 10;
            byte[] moved = new byte[b.length];
            System.arraycopy(b, 0, moved, 0, from);
            System.arraycopy(b, from + len, moved, from, b.length - from - len);
            System.arraycopy(b, from, moved, b.length - len, len);
            return moved;
        }
    }
}
