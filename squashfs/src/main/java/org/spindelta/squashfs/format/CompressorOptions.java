package org.spindelta.squashfs.format;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;

/**
 * Compressor-specific options: the metadata block that follows the superblock when flag 0x400 is
 * set, or the defaults a reader must assume when it is absent. Layouts and checks follow the
 * squashfs-tools wrappers ({@code gzip_wrapper.h}, {@code xz_wrapper.h}, {@code lz4_wrapper.h},
 * {@code lzo_wrapper.h}, {@code zstd_wrapper.h}); {@link #lines()} prints what {@code unsquashfs -s}
 * 4.5 prints for them. None of the options is needed to decompress: every stream describes itself.
 */
public sealed interface CompressorOptions {
    /** The compressor these options belong to. */
    Compressor compressor();

    /** What {@code unsquashfs -s} prints for these options, one entry per line, without the leading tab. */
    List<String> lines();

    /** {@link #lines()}, each line tab-indented and joined by newlines, as unsquashfs prints them. */
    default String describe() {
        return String.join("\n", lines().stream().map(l -> "\t" + l).toList());
    }

    /**
     * The options a reader assumes when the image stores none (mksquashfs omits the block for defaults).
     *
     * @param blockSize the image's block size; xz's default dictionary equals it
     */
    static CompressorOptions defaults(Compressor compressor, int blockSize) {
        return switch (compressor) {
            case ZLIB -> new Gzip(Gzip.DEFAULT_LEVEL, Gzip.DEFAULT_WINDOW, 0);
            case LZMA -> new Lzma();
            case LZO -> new Lzo(Lzo.LZO1X_999, Lzo.DEFAULT_LEVEL);
            case XZ -> new Xz(blockSize, 0);
            case LZ4 -> new Lz4(Lz4.LEGACY, 0, OptionalInt.empty());
            case ZSTD -> new Zstd(Zstd.DEFAULT_LEVEL);
        };
    }

    /**
     * Parses a stored options block.
     *
     * @param b the uncompressed contents of the options metadata block
     * @param len bytes of {@code b} the block holds
     * @param offset image offset of the block's contents (after its u16 header), for messages
     * @throws CorruptInputException if the length does not fit the compressor's structure, a field is out
     *     of range, or the compressor (lzma) takes no options
     */
    static CompressorOptions parse(Compressor compressor, byte[] b, int len, long offset) throws CorruptInputException {
        return switch (compressor) {
            case ZLIB -> Gzip.parse(b, len, offset);
            case LZMA -> throw new CorruptInputException("compressor options block at byte " + offset + " ("
                    + len + " bytes) is present (flag 0x400) but lzma takes no options");
            case LZO -> Lzo.parse(b, len, offset);
            case XZ -> Xz.parse(b, len, offset);
            case LZ4 -> Lz4.parse(b, len, offset);
            case ZSTD -> Zstd.parse(b, len, offset);
        };
    }

    private static void requireLength(String compressor, int len, int min, int max, long offset)
            throws CorruptInputException {
        if (len < min || len > max) {
            throw new CorruptInputException(compressor + " compressor options at byte " + offset + " are " + len
                    + " bytes; expected " + (min == max ? String.valueOf(min) : (max == Integer.MAX_VALUE
                            ? "at least " + min : min + " to " + max)));
        }
    }

    private static void requireField(String compressor, String field, long value, long min, long max, long offset)
            throws CorruptInputException {
        if (value < min || value > max) {
            throw new CorruptInputException(compressor + " option " + field + " " + value + " at byte " + offset
                    + " outside [" + min + ", " + max + "]");
        }
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    private static String names(int mask, String[] names) {
        List<String> selected = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if ((mask >> i & 1) != 0) {
                selected.add(names[i]);
            }
        }
        return String.join(", ", selected);
    }

    /**
     * gzip ({@code struct gzip_comp_opts}): u32 compression level, u16 window size, u16 strategy bitmask.
     *
     * @param level 1..9; default 9
     * @param windowSize log2 of the zlib window, 8..15; default 15
     * @param strategies bit i selects {@link #STRATEGY_NAMES}[i]; mksquashfs tries each selected strategy
     *     and keeps the smallest output; 0 means zlib's default strategy only
     */
    record Gzip(int level, int windowSize, int strategies) implements CompressorOptions {
        public static final int SIZE = 8;
        public static final int DEFAULT_LEVEL = 9;
        public static final int DEFAULT_WINDOW = 15;
        public static final List<String> STRATEGY_NAMES =
                List.of("default", "filtered", "huffman_only", "run_length_encoded", "fixed");

        static Gzip parse(byte[] b, int len, long offset) throws CorruptInputException {
            // unsquashfs accepts a longer block and reads the first 8 bytes
            requireLength("gzip", len, SIZE, Integer.MAX_VALUE, offset);
            long level = LittleEndian.getInt(b, 0) & 0xFFFF_FFFFL;
            requireField("gzip", "compression-level", level, 1, 9, offset);
            int window = u16(b, 4);
            requireField("gzip", "window-size", window, 8, 15, offset + 4);
            int strategies = u16(b, 6);
            requireField("gzip", "strategies", strategies, 0, (1 << STRATEGY_NAMES.size()) - 1, offset + 6);
            return new Gzip((int) level, window, strategies);
        }

        @Override
        public Compressor compressor() {
            return Compressor.ZLIB;
        }

        @Override
        public List<String> lines() {
            String s = names(strategies, STRATEGY_NAMES.toArray(String[]::new));
            return List.of("compression-level " + level, "window-size " + windowSize,
                    "Strategies selected: " + (s.isEmpty() ? "default" : s));
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /** lzma never stores options; this is the value {@link #defaults} gives it. */
    record Lzma() implements CompressorOptions {
        @Override
        public Compressor compressor() {
            return Compressor.LZMA;
        }

        @Override
        public List<String> lines() {
            return List.of();
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /**
     * lzo ({@code struct lzo_comp_opts}): u32 algorithm, u32 compression level.
     *
     * @param algorithm index into {@link #ALGORITHM_NAMES}; default 4 (lzo1x_999)
     * @param level 1..9 for lzo1x_999 (default 8); 0 for the other algorithms
     */
    record Lzo(int algorithm, int level) implements CompressorOptions {
        public static final int SIZE = 8;
        public static final int LZO1X_999 = 4;
        public static final int DEFAULT_LEVEL = 8;
        public static final List<String> ALGORITHM_NAMES =
                List.of("lzo1x_1", "lzo1x_1_11", "lzo1x_1_12", "lzo1x_1_15", "lzo1x_999");

        static Lzo parse(byte[] b, int len, long offset) throws CorruptInputException {
            requireLength("lzo", len, SIZE, Integer.MAX_VALUE, offset);
            long algorithm = LittleEndian.getInt(b, 0) & 0xFFFF_FFFFL;
            requireField("lzo", "algorithm", algorithm, 0, ALGORITHM_NAMES.size() - 1, offset);
            long level = LittleEndian.getInt(b, 4) & 0xFFFF_FFFFL;
            if (algorithm == LZO1X_999) {
                requireField("lzo", "compression level", level, 1, 9, offset + 4);
            }
            return new Lzo((int) algorithm, (int) Math.min(level, Integer.MAX_VALUE));
        }

        @Override
        public Compressor compressor() {
            return Compressor.LZO;
        }

        @Override
        public List<String> lines() {
            String a = "algorithm " + ALGORITHM_NAMES.get(algorithm);
            return algorithm == LZO1X_999 ? List.of(a, "compression level " + level) : List.of(a);
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /**
     * xz ({@code struct comp_opts} in xz_wrapper.h): u32 dictionary size, u32 BCJ filter bitmask.
     *
     * @param dictionarySize 2^n or 2^n + 2^(n+1) (storable in an xz header); default the block size
     * @param filters bit i selects {@link #FILTER_NAMES}[i]; mksquashfs tries no filter plus each selected
     *     one and keeps the smallest output
     */
    record Xz(int dictionarySize, int filters) implements CompressorOptions {
        public static final int SIZE = 8;
        /** x86 .. sparc since squashfs-tools 4.1; arm64 and riscv since 4.6. */
        public static final List<String> FILTER_NAMES =
                List.of("x86", "powerpc", "ia64", "arm", "armthumb", "sparc", "arm64", "riscv");

        static Xz parse(byte[] b, int len, long offset) throws CorruptInputException {
            requireLength("xz", len, SIZE, SIZE, offset);
            int dict = LittleEndian.getInt(b, 0);
            int n = Integer.numberOfTrailingZeros(dict);
            // xz stores the dictionary as 2^n or 2^n + 2^(n+1) (= 3 * 2^n); the wrapper refuses others
            if (dict <= 0 || (dict != 1 << n && (n > 29 || dict != 3 << n))) {
                throw new CorruptInputException("xz option dictionary size " + Integer.toUnsignedString(dict)
                        + " at byte " + offset + " is neither 2^n nor 2^n + 2^(n+1)");
            }
            int filters = LittleEndian.getInt(b, 4);
            if ((filters & ~((1 << FILTER_NAMES.size()) - 1)) != 0) {
                throw new CorruptInputException(String.format("xz option filters 0x%x at byte %d sets unknown bits; "
                        + "known: 0x01 x86 .. 0x%02x %s", filters, offset + 4, 1 << (FILTER_NAMES.size() - 1),
                        FILTER_NAMES.get(FILTER_NAMES.size() - 1)));
            }
            return new Xz(dict, filters);
        }

        @Override
        public Compressor compressor() {
            return Compressor.XZ;
        }

        @Override
        public List<String> lines() {
            String f = names(filters, FILTER_NAMES.toArray(String[]::new));
            return List.of("Dictionary size " + dictionarySize,
                    f.isEmpty() ? "No filters specified" : "Filters selected: " + f);
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /**
     * lz4 ({@code struct lz4_comp_opts_v1}: u32 version, u32 flags; squashfs-tools 4.7.6 adds
     * {@code lz4_comp_opts_v2} with a u32 data field: acceleration, or the HC level with flag HC).
     * mksquashfs always stores this block for lz4.
     *
     * @param version 1 (LZ4_LEGACY: raw LZ4 blocks), the only stream format defined
     * @param flags {@link #FLAG_HC}; the 12-byte form also sets {@link #FLAG_NON_DEFAULT}
     * @param data the 12-byte form's acceleration or compression level; empty in the 8-byte form
     */
    record Lz4(int version, int flags, OptionalInt data) implements CompressorOptions {
        public static final int SIZE_V1 = 8;
        public static final int SIZE_V2 = 12;
        public static final int LEGACY = 1;
        public static final int FLAG_HC = 1;
        public static final int FLAG_NON_DEFAULT = 2;
        /** LZ4_compress_HC's default level and LZ4_compress_fast's default acceleration (4.7.6 display). */
        public static final int DEFAULT_HC_LEVEL = 12;
        public static final int DEFAULT_ACCELERATION = 1;

        static Lz4 parse(byte[] b, int len, long offset) throws CorruptInputException {
            if (len != SIZE_V1 && len != SIZE_V2) {
                throw new CorruptInputException("lz4 compressor options at byte " + offset + " are " + len
                        + " bytes; expected " + SIZE_V1 + " (version, flags) or " + SIZE_V2 + " (version, flags, data)");
            }
            int version = LittleEndian.getInt(b, 0);
            if (version != LEGACY) {
                throw new CorruptInputException("lz4 option version " + Integer.toUnsignedString(version) + " at byte "
                        + offset + " outside [1, 1] (only LZ4_LEGACY block streams are defined)");
            }
            int flags = LittleEndian.getInt(b, 4);
            int allowed = len == SIZE_V1 ? FLAG_HC : FLAG_HC | FLAG_NON_DEFAULT;
            if ((flags & ~allowed) != 0 || (len == SIZE_V2 && (flags & FLAG_NON_DEFAULT) == 0)) {
                throw new CorruptInputException(String.format("lz4 option flags 0x%x at byte %d not allowed in the "
                        + "%d-byte form (%s)", flags, offset + 4, len, len == SIZE_V1 ? "only 0x1 HC"
                                : "0x2 NON_DEFAULT must be set, 0x1 HC may be"));
            }
            OptionalInt data = len == SIZE_V2 ? OptionalInt.of(LittleEndian.getInt(b, 8)) : OptionalInt.empty();
            return new Lz4(version, flags, data);
        }

        public boolean highCompression() {
            return (flags & FLAG_HC) != 0;
        }

        @Override
        public Compressor compressor() {
            return Compressor.LZ4;
        }

        @Override
        public List<String> lines() {
            List<String> l = new ArrayList<>();
            if (highCompression()) {
                l.add("High Compression option specified (-Xhc)");
            }
            if (data.isPresent()) {
                int d = data.getAsInt();
                if (highCompression()) {
                    l.add("Compression-level " + d + (d == DEFAULT_HC_LEVEL ? " (default)" : ""));
                } else {
                    l.add("Acceleration " + d + (d == DEFAULT_ACCELERATION ? " (default)" : ""));
                }
            }
            return List.copyOf(l);
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /**
     * zstd ({@code struct zstd_comp_opts}): u32 compression level.
     *
     * @param level 1..22 (ZSTD_maxCLevel of libzstd 1.5); default 15
     */
    record Zstd(int level) implements CompressorOptions {
        public static final int SIZE = 4;
        public static final int DEFAULT_LEVEL = 15;
        public static final int MAX_LEVEL = 22;

        static Zstd parse(byte[] b, int len, long offset) throws CorruptInputException {
            requireLength("zstd", len, SIZE, Integer.MAX_VALUE, offset);
            long level = LittleEndian.getInt(b, 0) & 0xFFFF_FFFFL;
            requireField("zstd", "compression-level", level, 1, MAX_LEVEL, offset);
            return new Zstd((int) level);
        }

        @Override
        public Compressor compressor() {
            return Compressor.ZSTD;
        }

        @Override
        public List<String> lines() {
            return List.of("compression-level " + level);
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
