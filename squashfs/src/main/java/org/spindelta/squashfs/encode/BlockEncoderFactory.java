package org.spindelta.squashfs.encode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.UnsupportedFormatException;
import org.spindelta.squashfs.format.CompressorOptions;
import org.spindelta.squashfs.format.SquashfsConstants;
import org.spindelta.squashfs.read.SquashfsImage;

/**
 * The encoder configuration of one image: its compressor options and block size, mapped to the
 * library calls mksquashfs 4.5.1 made ({@link BlockEncoder}), plus whether this machine can make them.
 * Immutable and thread-safe; {@link #newEncoder()} gives each thread its own encoder.
 *
 * <p>Every option combination mksquashfs 4.5.1 writes maps to calls that reproduce it (measured per
 * compressor and option in this package's tests). What can make a configuration unavailable here:
 * <ul>
 *   <li>the codec's system library is missing or lacks a function: liblzma.so.5 (xz, lzma),
 *       libzstd.so.1, liblz4.so.1, liblzo2.so.2, libz.so.1 (gzip with a window below 15 or the
 *       run_length_encoded or fixed strategy, which {@link java.util.zip.Deflater} cannot set);
 *   <li>xz options selecting a BCJ filter this liblzma has no encoder for (arm64 needs 5.4, riscv 5.6;
 *       both come from squashfs-tools 4.6+ images).
 * </ul>
 * Libraries are loaded only when {@link #unavailableReason()}, {@link #identity()} or
 * {@link #newEncoder()} is first called for a codec that needs them.
 *
 * <p>Availability says the calls can be made, not that their output matches: a library of another
 * version may compress differently. {@link EncoderSelfTest} checks that on samples.
 */
public final class BlockEncoderFactory {
    /** Which zlib gzip blocks go through. */
    enum GzipBackend {
        /** {@link java.util.zip.Deflater}: window 15 and strategies default, filtered, huffman_only only. */
        JDK,
        /** libz.so.1 through JNA: every gzip option. */
        ZLIB;

        /** Deflater when it can do the options (the brief's and the spike's measured default), else libz. */
        static GzipBackend forOptions(CompressorOptions.Gzip o) {
            return JdkReach.reaches(o) ? JDK : ZLIB;
        }
    }

    /** What {@link java.util.zip.Deflater} can set. */
    private static final class JdkReach {
        /** Strategies {@code Deflater.setStrategy} accepts: default, filtered, huffman_only (bits 0-2). */
        static final int STRATEGIES = 0b111;

        static boolean reaches(CompressorOptions.Gzip o) {
            return o.windowSize() == CompressorOptions.Gzip.DEFAULT_WINDOW && (o.strategies() & ~STRATEGIES) == 0;
        }
    }

    private final CompressorOptions options;
    private final int blockSize;
    private final GzipBackend gzipBackend;

    private BlockEncoderFactory(CompressorOptions options, int blockSize, GzipBackend gzipBackend) {
        this.options = Objects.requireNonNull(options, "options");
        if (blockSize < SquashfsConstants.MIN_BLOCK_SIZE || blockSize > SquashfsConstants.MAX_BLOCK_SIZE
                || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size " + blockSize + " is not a power of 2 in ["
                    + SquashfsConstants.MIN_BLOCK_SIZE + ", " + SquashfsConstants.MAX_BLOCK_SIZE + "]");
        }
        this.blockSize = blockSize;
        this.gzipBackend = gzipBackend;
    }

    /** The configuration of {@code image}: its stored options or the defaults, and its block size. */
    public static BlockEncoderFactory forImage(SquashfsImage image) {
        return of(image.compressorOptions(), image.superBlock().blockSize());
    }

    /**
     * The configuration for blocks compressed with {@code options} at {@code blockSize}.
     *
     * @throws IllegalArgumentException if the block size is not a power of two from 4 KiB to 1 MiB
     */
    public static BlockEncoderFactory of(CompressorOptions options, int blockSize) {
        GzipBackend backend = options instanceof CompressorOptions.Gzip g ? GzipBackend.forOptions(g) : null;
        return new BlockEncoderFactory(options, blockSize, backend);
    }

    /** As {@link #of}, with gzip forced through {@code backend} (tests compare both). */
    static BlockEncoderFactory of(CompressorOptions options, int blockSize, GzipBackend backend) {
        return new BlockEncoderFactory(options, blockSize, backend);
    }

    public CompressorOptions options() {
        return options;
    }

    public int blockSize() {
        return blockSize;
    }

    /**
     * Why this machine cannot make the calls these blocks need, as one line ("xz blocks cannot be
     * recompressed here: liblzma.so.5 not found (...)"), or empty when it can. Loads the library.
     */
    public Optional<String> unavailableReason() {
        try {
            check();
            return Optional.empty();
        } catch (UnsupportedFormatException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Whether {@link #unavailableReason()} is empty. */
    public boolean available() {
        return unavailableReason().isEmpty();
    }

    private String codec() {
        return options.compressor().toolName();
    }

    /** Loads the codec's library and checks the configuration; throws the one-line reason. */
    private void check() throws UnsupportedFormatException {
        switch (options.compressor()) {
            case ZLIB -> {
                CompressorOptions.Gzip g = (CompressorOptions.Gzip) options;
                if (gzipBackend == GzipBackend.ZLIB) {
                    Libz.LIBRARY.require(codec());
                } else if (!JdkReach.reaches(g)) {
                    throw new UnsupportedFormatException("gzip blocks cannot be recompressed with java.util.zip: "
                            + "window size " + g.windowSize() + " and strategies "
                            + names(g.strategies(), CompressorOptions.Gzip.STRATEGY_NAMES, "default")
                            + " need libz.so.1 (Deflater sets window 15 and the default, filtered and huffman_only "
                            + "strategies only)");
                }
            }
            case LZMA -> Liblzma.LIBRARY.require(codec());
            case XZ -> {
                Liblzma.LIBRARY.require(codec());
                int filters = ((CompressorOptions.Xz) options).filters();
                for (int bit = 0; bit < CompressorOptions.Xz.FILTER_NAMES.size(); bit++) {
                    if ((filters >> bit & 1) != 0
                            && Liblzma.lzma_filter_encoder_is_supported(EncoderConstants.XZ_BCJ_FILTER_IDS.get(bit)) == 0) {
                        throw new UnsupportedFormatException("xz blocks cannot be recompressed here: "
                                + Liblzma.SONAME + " " + libraryVersion() + " has no encoder for the "
                                + CompressorOptions.Xz.FILTER_NAMES.get(bit) + " filter the image's options select");
                    }
                }
            }
            case ZSTD -> Libzstd.LIBRARY.require(codec());
            case LZ4 -> Liblz4.LIBRARY.require(codec());
            case LZO -> Liblzo2.LIBRARY.require(codec());
        }
    }

    /** The library's version string; the library must be loaded ({@link #check()}). */
    private String libraryVersion() {
        String v = switch (options.compressor()) {
            case ZLIB -> gzipBackend == GzipBackend.ZLIB ? Libz.zlibVersion() : JdkZlib.VERSION;
            case LZMA, XZ -> Liblzma.lzma_version_string();
            case ZSTD -> Libzstd.ZSTD_versionString();
            case LZ4 -> Liblz4.LZ4_versionString();
            case LZO -> Liblzo2.lzo_version_string();
        };
        return NativeCodecLibrary.versionToken(v);
    }

    private String library() {
        return switch (options.compressor()) {
            case ZLIB -> gzipBackend == GzipBackend.ZLIB ? Libz.SONAME : "java.util.zip";
            case LZMA, XZ -> Liblzma.SONAME;
            case ZSTD -> Libzstd.SONAME;
            case LZ4 -> Liblz4.SONAME;
            case LZO -> Liblzo2.SONAME;
        };
    }

    /**
     * The codec, parameters and library version these blocks are compressed with here.
     *
     * @throws UnsupportedFormatException as {@link #unavailableReason()} says
     */
    public EncoderIdentity identity() throws UnsupportedFormatException {
        check();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("block-size", String.valueOf(blockSize));
        switch (options.compressor()) {
            case ZLIB -> {
                CompressorOptions.Gzip g = (CompressorOptions.Gzip) options;
                p.put("level", String.valueOf(g.level()));
                p.put("window", String.valueOf(g.windowSize()));
                p.put("strategies", names(g.strategies(), CompressorOptions.Gzip.STRATEGY_NAMES, "default"));
            }
            case LZMA -> {
                p.put("format", "lzma-alone");
                p.put("preset", String.valueOf(EncoderConstants.LZMA_PRESET));
            }
            case XZ -> {
                CompressorOptions.Xz x = (CompressorOptions.Xz) options;
                p.put("dict", String.valueOf(x.dictionarySize()));
                p.put("filters", names(x.filters(), CompressorOptions.Xz.FILTER_NAMES, "none"));
                p.put("preset", String.valueOf(EncoderConstants.XZ_PRESET));
                p.put("check", "crc32");
                p.put("metadata-dict", String.valueOf(SquashfsConstants.METADATA_MAX));
            }
            case ZSTD -> p.put("level", String.valueOf(((CompressorOptions.Zstd) options).level()));
            case LZ4 -> {
                CompressorOptions.Lz4 z = (CompressorOptions.Lz4) options;
                Lz4BlockEncoder.Mode mode = lz4Mode(z);
                p.put("mode", mode.name().toLowerCase(Locale.ROOT));
                if (mode == Lz4BlockEncoder.Mode.HC) {
                    p.put("level", String.valueOf(lz4Parameter(z)));
                } else if (mode == Lz4BlockEncoder.Mode.FAST) {
                    p.put("acceleration", String.valueOf(lz4Parameter(z)));
                }
            }
            case LZO -> {
                CompressorOptions.Lzo z = (CompressorOptions.Lzo) options;
                p.put("algorithm", CompressorOptions.Lzo.ALGORITHM_NAMES.get(z.algorithm()));
                if (z.algorithm() == CompressorOptions.Lzo.LZO1X_999) {
                    p.put("level", String.valueOf(z.level()));
                }
                p.put("optimize", "yes");
            }
        }
        return new EncoderIdentity(codec(), library(), libraryVersion(), p);
    }

    private static String names(int mask, List<String> names, String none) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if ((mask >> i & 1) != 0) {
                b.append(b.length() == 0 ? "" : ",").append(names.get(i));
            }
        }
        return b.length() == 0 ? none : b.toString();
    }

    private static Lz4BlockEncoder.Mode lz4Mode(CompressorOptions.Lz4 z) {
        if (z.data().isEmpty()) {
            return z.highCompression() ? Lz4BlockEncoder.Mode.HC : Lz4BlockEncoder.Mode.DEFAULT;
        }
        return z.highCompression() ? Lz4BlockEncoder.Mode.HC : Lz4BlockEncoder.Mode.FAST;
    }

    private static int lz4Parameter(CompressorOptions.Lz4 z) {
        return z.data().isPresent() ? z.data().getAsInt()
                : z.highCompression() ? EncoderConstants.LZ4_HC_LEVEL : CompressorOptions.Lz4.DEFAULT_ACCELERATION;
    }

    /**
     * A new encoder for the calling thread.
     *
     * @throws UnsupportedFormatException as {@link #unavailableReason()} says
     * @throws SpindeltaException if the library cannot set up its state (no memory for a context)
     */
    public BlockEncoder newEncoder() throws SpindeltaException {
        EncoderIdentity id = identity();
        return switch (options.compressor()) {
            case ZLIB -> {
                CompressorOptions.Gzip g = (CompressorOptions.Gzip) options;
                int[] strategies = GzipBlockEncoder.strategies(g.strategies());
                GzipBlockEncoder.StreamFactory streams = gzipBackend == GzipBackend.ZLIB
                        ? (strategy, capacity) -> new ZlibDeflateStream(g.level(), g.windowSize(), strategy, capacity)
                        : (strategy, capacity) -> new JdkDeflateStream(g.level(), strategy, capacity);
                yield new GzipBlockEncoder(blockSize, strategies, streams, id);
            }
            case LZMA -> new LzmaBlockEncoder(blockSize, id);
            case XZ -> {
                CompressorOptions.Xz x = (CompressorOptions.Xz) options;
                long[] bcj = new long[Integer.bitCount(x.filters())];
                int j = 0;
                for (int bit = 0; bit < CompressorOptions.Xz.FILTER_NAMES.size(); bit++) {
                    if ((x.filters() >> bit & 1) != 0) {
                        bcj[j++] = EncoderConstants.XZ_BCJ_FILTER_IDS.get(bit);
                    }
                }
                yield new XzBlockEncoder(blockSize, x.dictionarySize(), bcj, id);
            }
            case ZSTD -> new ZstdBlockEncoder(blockSize, ((CompressorOptions.Zstd) options).level(), id);
            case LZ4 -> {
                CompressorOptions.Lz4 z = (CompressorOptions.Lz4) options;
                yield new Lz4BlockEncoder(blockSize, lz4Mode(z), lz4Parameter(z), id);
            }
            case LZO -> {
                CompressorOptions.Lzo z = (CompressorOptions.Lzo) options;
                yield new LzoBlockEncoder(blockSize, z.algorithm(), z.level(), id);
            }
        };
    }

    @Override
    public String toString() {
        return codec() + " blocks of " + blockSize + " bytes, options " + options.lines();
    }
}
