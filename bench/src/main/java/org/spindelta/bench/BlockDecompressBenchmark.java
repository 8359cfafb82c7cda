package org.spindelta.bench;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.chunk.Chunk;
import org.spindelta.squashfs.chunk.ChunkKind;
import org.spindelta.squashfs.chunk.ChunkMap;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.read.SquashfsImage;

/**
 * Data block decompression speed per compressor, in MB/s of decoded output, single-threaded: one
 * {@link BlockDecompressor} from {@link SquashfsImage#newDecompressor()} decodes the image's compressed
 * data blocks one per invocation, round robin, each checked to decode to its expected length.
 *
 * <p>The blocks are real: mksquashfs images a sample of {@code /usr/lib/x86_64-linux-gnu} (shared
 * libraries and other binaries, up to 32 MB; {@link SampleImages}, cached under {@code
 * /tmp/spindelta-bench/}), {@link ChunkMap#build} lists its data blocks, and those stored compressed
 * (blocks mksquashfs stored raw, and fragment blocks, are left out) are read into memory in the trial's
 * setup, at most {@code maxStoredMegabytes} of them. The setup prints how many blocks and bytes.
 *
 * <p>{@code impl=ours} is spindelta's decoder; {@code impl=native} is the peer, the C library call
 * unsquashfs makes for the block ({@link NativeCodecs}: zlib, liblzma, liblzo2, liblz4, libzstd through
 * JNA, native memory to native memory), on the same blocks.
 *
 * <p>Read the {@code decode:megabytes} line: an aux counter of decoded MB (10^6 bytes), which in
 * throughput mode JMH reports per second, i.e. MB/s (the unit column says "ops/s"). The plain {@code
 * decode} line is blocks per second.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar BlockDecompressBenchmark -p compressor=zstd,xz -p impl=ours
 * java -jar bench/target/benchmarks.jar BlockDecompressBenchmark -p tree=/usr/share -p megabytes=48
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class BlockDecompressBenchmark {
    /** mksquashfs {@code -comp} name. */
    @Param({"gzip", "xz", "lzma", "lzo", "lz4", "zstd"})
    public String compressor;

    /** ours: {@link SquashfsImage#newDecompressor()}; native: the C library unsquashfs calls. */
    @Param({"ours", "native"})
    public String impl;

    /** The real tree the image is made from. */
    @Param({"/usr/lib/x86_64-linux-gnu"})
    public String tree;

    /** Sample budget in MB; 0 images the whole tree. */
    @Param({"32"})
    public int megabytes;

    /** Most stored (compressed) bytes of blocks held in memory, in MB. */
    @Param({"256"})
    public int maxStoredMegabytes;

    private SquashfsImage image;
    private BlockDecompressor decompressor;
    private byte[][] blocks;
    private int[] decodedSizes;
    private byte[] out;
    private int next;

    private NativeCodecs.Decoder nativeDecoder;
    private Memory nativeBlocks;
    private long[] nativeOffsets;
    private Pointer[] nativeSrc;
    private Memory nativeOut;

    @Setup(Level.Trial)
    public void load() throws IOException {
        Path p = SampleImages.image(Path.of(tree), megabytes, Integer.MAX_VALUE, compressor);
        image = SquashfsImage.open(p);
        List<byte[]> stored = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        long storedBytes = 0;
        long decodedBytes = 0;
        int raw = 0;
        for (Chunk c : ChunkMap.build(image).chunks()) {
            if (c.kind() != ChunkKind.DATA_BLOCK) {
                continue;
            }
            if (!c.compressed()) {
                raw++;
                continue;
            }
            if (storedBytes + c.length() > maxStoredMegabytes * 1_000_000L) {
                break;
            }
            byte[] b = new byte[(int) c.length()];
            image.source().read(c.offset(), b, 0, b.length, c.describe());
            stored.add(b);
            sizes.add((int) c.decodedSize());
            storedBytes += c.length();
            decodedBytes += c.decodedSize();
        }
        if (stored.isEmpty()) {
            throw new IOException(p + " has no compressed data blocks");
        }
        blocks = stored.toArray(byte[][]::new);
        decodedSizes = sizes.stream().mapToInt(Integer::intValue).toArray();
        out = new byte[image.superBlock().blockSize()];
        if (impl.equals("native")) {
            nativeDecoder = NativeCodecs.forCompressor(compressor);
            nativeBlocks = new Memory(storedBytes);
            nativeOffsets = new long[blocks.length + 1];
            for (int i = 0; i < blocks.length; i++) {
                nativeBlocks.write(nativeOffsets[i], blocks[i], 0, blocks[i].length);
                nativeOffsets[i + 1] = nativeOffsets[i] + blocks[i].length;
            }
            nativeSrc = new Pointer[blocks.length];
            for (int i = 0; i < blocks.length; i++) {
                nativeSrc[i] = nativeBlocks.share(nativeOffsets[i]);
            }
            nativeOut = new Memory(out.length);
        } else if (impl.equals("ours")) {
            decompressor = image.newDecompressor();
        } else {
            throw new IllegalArgumentException("impl must be ours or native, got " + impl);
        }
        System.out.printf(Locale.ROOT, "%n%s: %d compressed data blocks, %.1f MB stored, %.1f MB decoded (ratio %.2f);"
                + " %d raw blocks left out%n", p, blocks.length, storedBytes / 1e6, decodedBytes / 1e6,
                (double) decodedBytes / storedBytes, raw);
    }

    /** Counts decoded MB; in throughput mode JMH divides it by time, giving MB/s. */
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
    public int decode(Throughput counter) throws CorruptInputException {
        int i = next;
        next = i + 1 == blocks.length ? 0 : i + 1;
        int n;
        if (decompressor != null) {
            byte[] b = blocks[i];
            n = decompressor.decompress(b, 0, b.length, out, 0, out.length);
        } else {
            n = (int) nativeDecoder.decode(nativeSrc[i], nativeOffsets[i + 1] - nativeOffsets[i], nativeOut, out.length);
        }
        if (n != decodedSizes[i]) {
            throw new IllegalStateException("block " + i + " decoded to " + n + " bytes, expected " + decodedSizes[i]);
        }
        counter.megabytes += n / 1e6;
        return n;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        if (decompressor != null) {
            decompressor.close();
        }
        image.close();
    }
}
