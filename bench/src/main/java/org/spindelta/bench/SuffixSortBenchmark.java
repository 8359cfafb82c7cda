package org.spindelta.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;
import org.spindelta.bsdiff.sort.SuffixSorter;

/**
 * Suffix-array construction speed ({@link SuffixSorter}, SA-IS) in MB/s of text, over data that
 * stresses it differently: random bytes, a real binary, all zeros, and a period-3 pattern.
 *
 * <p>Read the {@code sort:megabytes} line: an aux counter of MB (10^6 bytes) sorted, which in
 * throughput mode JMH reports per second, i.e. MB/s (the unit column says "ops/s"). The plain
 * {@code sort} line is sorts per second.
 *
 * <pre>
 * mvn -q -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar SuffixSortBenchmark
 * java -jar bench/target/benchmarks.jar SuffixSortBenchmark -p data=file -p file=/path/to/image.sqfs -p size=268435456
 * </pre>
 * With {@code data=file}, the first {@code size} bytes of {@code file} are sorted (default: the running
 * JDK's {@code libjvm.so}, ~24 MB); a shorter file is sorted whole. Memory: text + 4 bytes a byte of
 * suffix array, so 5·size bytes of heap (16 MB: 80 MB); raise {@code -jvmArgsAppend -Xmx..} for large sizes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class SuffixSortBenchmark {
    /** random: uniform bytes; file: a real file; zeros: one long run; period3: "abcabc...". */
    @Param({"random", "file", "zeros", "period3"})
    public String data;

    /** Bytes to sort. */
    @Param({"1048576", "16777216"})
    public int size;

    /** The file for {@code data=file}; empty means the running JDK's libjvm.so. */
    @Param({""})
    public String file;

    private byte[] text;
    private int length;
    private int[] sa;

    @Setup(Level.Trial)
    public void load() throws IOException {
        text = switch (data) {
            case "random" -> random(size, 42);
            case "file" -> head(file.isEmpty() ? defaultFile() : Path.of(file), size);
            case "zeros" -> new byte[size];
            case "period3" -> periodic(size, 3);
            default -> throw new IllegalArgumentException("data must be random, file, zeros or period3, got " + data);
        };
        length = text.length;
        if (length < size) {
            System.out.printf("%n(note: %s has only %d bytes; sorting all of it)%n", file.isEmpty() ? defaultFile() : file,
                    length);
        }
        sa = new int[length];
    }

    /** Counts MB sorted; in throughput mode JMH divides it by time, giving MB/s. */
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
    public int[] sort(Throughput counter) {
        SuffixSorter.sort(text, length, sa);
        counter.megabytes += length / 1e6;
        return sa;
    }

    static Path defaultFile() {
        return Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
    }

    static byte[] head(Path f, int n) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            return in.readNBytes(n);
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i += 8) {
            long v = r.nextLong();
            for (int k = 0; k < 8 && i + k < n; k++) {
                b[i + k] = (byte) (v >>> (8 * k));
            }
        }
        return b;
    }

    static byte[] periodic(int n, int period) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % period);
        }
        return b;
    }
}
