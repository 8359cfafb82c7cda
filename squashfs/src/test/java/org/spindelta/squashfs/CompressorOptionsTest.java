package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;
import org.spindelta.squashfs.format.Compressor;
import org.spindelta.squashfs.format.CompressorOptions;

/** Options blocks as the squashfs-tools wrappers write them, and the ones they refuse to display. */
class CompressorOptionsTest {
    static byte[] ints(int... v) {
        byte[] b = new byte[4 * v.length];
        for (int i = 0; i < v.length; i++) {
            LittleEndian.putInt(b, 4 * i, v[i]);
        }
        return b;
    }

    static byte[] gzip(int level, int window, int strategies) {
        byte[] b = new byte[8];
        LittleEndian.putInt(b, 0, level);
        b[4] = (byte) window;
        b[5] = (byte) (window >>> 8);
        b[6] = (byte) strategies;
        b[7] = (byte) (strategies >>> 8);
        return b;
    }

    static CompressorOptions parse(Compressor c, byte[] b) throws CorruptInputException {
        return CompressorOptions.parse(c, b, b.length, 98);
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of(Compressor.ZLIB, gzip(1, 15, 0),
                        List.of("compression-level 1", "window-size 15", "Strategies selected: default")),
                Arguments.of(Compressor.ZLIB, gzip(9, 12, 0b10110),
                        List.of("compression-level 9", "window-size 12",
                                "Strategies selected: filtered, huffman_only, fixed")),
                Arguments.of(Compressor.XZ, ints(131072, 1), List.of("Dictionary size 131072", "Filters selected: x86")),
                Arguments.of(Compressor.XZ, ints(3 << 15, 0), List.of("Dictionary size 98304", "No filters specified")),
                Arguments.of(Compressor.XZ, ints(8192, 0x41), List.of("Dictionary size 8192",
                        "Filters selected: x86, arm64")),
                Arguments.of(Compressor.LZ4, ints(1, 0), List.of()),
                Arguments.of(Compressor.LZ4, ints(1, 1), List.of("High Compression option specified (-Xhc)")),
                Arguments.of(Compressor.LZ4, ints(1, 3, 9), List.of("High Compression option specified (-Xhc)",
                        "Compression-level 9")),
                Arguments.of(Compressor.LZ4, ints(1, 2, 1), List.of("Acceleration 1 (default)")),
                Arguments.of(Compressor.ZSTD, ints(3), List.of("compression-level 3")),
                Arguments.of(Compressor.LZO, ints(0, 0), List.of("algorithm lzo1x_1")),
                Arguments.of(Compressor.LZO, ints(4, 7), List.of("algorithm lzo1x_999", "compression level 7")));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("valid")
    void parsesAndPrintsLikeUnsquashfs(Compressor c, byte[] block, List<String> lines) throws Exception {
        CompressorOptions o = parse(c, block);
        assertEquals(c, o.compressor());
        assertEquals(lines, o.lines());
        assertEquals(String.join("\n", lines.stream().map(l -> "\t" + l).toList()), o.toString());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(Compressor.ZLIB, gzip(0, 15, 0), "gzip option compression-level 0 at byte 98"),
                Arguments.of(Compressor.ZLIB, gzip(10, 15, 0), "compression-level 10"),
                Arguments.of(Compressor.ZLIB, gzip(9, 16, 0), "window-size 16 at byte 102 outside [8, 15]"),
                Arguments.of(Compressor.ZLIB, gzip(9, 15, 0x20), "strategies 32"),
                Arguments.of(Compressor.ZLIB, new byte[4], "are 4 bytes; expected at least 8"),
                Arguments.of(Compressor.XZ, ints(100000, 0), "dictionary size 100000"),
                Arguments.of(Compressor.XZ, ints(0, 0), "dictionary size 0"),
                Arguments.of(Compressor.XZ, ints(8192, 0x100), "filters 0x100"),
                Arguments.of(Compressor.XZ, ints(8192, 0, 0), "are 12 bytes; expected 8"),
                Arguments.of(Compressor.LZ4, ints(2, 0), "lz4 option version 2"),
                Arguments.of(Compressor.LZ4, ints(1, 2), "flags 0x2"),
                Arguments.of(Compressor.LZ4, ints(1, 1, 9), "flags 0x1"),
                Arguments.of(Compressor.LZ4, ints(1, 0, 0, 0), "are 16 bytes"),
                Arguments.of(Compressor.ZSTD, ints(0), "compression-level 0"),
                Arguments.of(Compressor.ZSTD, ints(23), "compression-level 23 at byte 98 outside [1, 22]"),
                Arguments.of(Compressor.LZO, ints(5, 0), "algorithm 5"),
                Arguments.of(Compressor.LZO, ints(4, 0), "compression level 0 at byte 102"),
                Arguments.of(Compressor.LZMA, new byte[8], "lzma takes no options"));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("invalid")
    void rejectsWhatUnsquashfsRejects(Compressor c, byte[] block, String message) {
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> parse(c, block));
        assertTrue(e.getMessage().contains(message), () -> e.getMessage() + " should contain " + message);
    }

    @Test
    void defaultsAreWhatMksquashfsLeavesUnstored() {
        assertEquals(new CompressorOptions.Gzip(9, 15, 0), CompressorOptions.defaults(Compressor.ZLIB, 4096));
        assertEquals(new CompressorOptions.Xz(65536, 0), CompressorOptions.defaults(Compressor.XZ, 65536));
        assertEquals(new CompressorOptions.Lzo(4, 8), CompressorOptions.defaults(Compressor.LZO, 4096));
        assertEquals(new CompressorOptions.Zstd(15), CompressorOptions.defaults(Compressor.ZSTD, 4096));
        assertEquals(new CompressorOptions.Lz4(1, 0, OptionalInt.empty()),
                CompressorOptions.defaults(Compressor.LZ4, 4096));
        assertEquals(new CompressorOptions.Lzma(), CompressorOptions.defaults(Compressor.LZMA, 4096));
    }
}
