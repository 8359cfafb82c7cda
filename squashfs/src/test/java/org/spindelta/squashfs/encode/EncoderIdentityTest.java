package org.spindelta.squashfs.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.format.CompressorOptions;

/** The identity a patch carries: printable, and its encoding parses back to an equal value. */
class EncoderIdentityTest {

    static Stream<CompressorOptions> options() {
        return Stream.of(new CompressorOptions.Gzip(9, 15, 0), new CompressorOptions.Gzip(5, 10, 0b11001),
                new CompressorOptions.Lzma(), new CompressorOptions.Xz(131072, 0), new CompressorOptions.Xz(65536, 0b1001),
                new CompressorOptions.Zstd(19), new CompressorOptions.Lz4(1, 0, OptionalInt.empty()),
                new CompressorOptions.Lz4(1, 1, OptionalInt.empty()), new CompressorOptions.Lz4(1, 2, OptionalInt.of(4)),
                new CompressorOptions.Lz4(1, 3, OptionalInt.of(9)), new CompressorOptions.Lzo(4, 8),
                new CompressorOptions.Lzo(1, 0));
    }

    @ParameterizedTest
    @MethodSource("options")
    void everyCodecsIdentityRoundTrips(CompressorOptions o) throws Exception {
        EncoderIdentity id = BlockEncoderFactory.of(o, 131072).identity();
        assertEquals(o.compressor().toolName(), id.codec());
        assertEquals("131072", id.parameters().get("block-size"));
        assertEquals(id, EncoderIdentity.decode(id.encode()));
        assertEquals(id, EncoderIdentity.fromBytes(id.toBytes()));
        assertEquals(id.encode(), EncoderIdentity.decode(id.encode()).encode());
        assertTrue(id.differences(EncoderIdentity.decode(id.encode())).isEmpty());
        try (BlockEncoder e = BlockEncoderFactory.of(o, 131072).newEncoder()) {
            assertEquals(id, e.identity());
        }
    }

    @Test
    void xzIdentityNamesEveryParameter() throws Exception {
        EncoderIdentity id = BlockEncoderFactory.of(new CompressorOptions.Xz(65536, 0b1001), 131072).identity();
        String v = id.version();
        assertEquals("spindelta-encoder/1 xz liblzma.so.5 " + v + " block-size=131072 dict=65536 filters=x86,arm "
                + "preset=6 check=crc32 metadata-dict=8192", id.encode());
        assertEquals("xz with liblzma.so.5 " + v + " (block-size 131072, dict 65536, filters x86,arm, preset 6, "
                + "check crc32, metadata-dict 8192)", id.toString());
        assertTrue(v.matches("\\d+\\.\\d+\\.\\d+.*"), v);
    }

    @Test
    void gzipIdentityNamesTheZlibBehindIt() throws Exception {
        EncoderIdentity jdk = BlockEncoderFactory.of(new CompressorOptions.Gzip(9, 15, 0), 131072).identity();
        assertEquals("java.util.zip", jdk.library());
        EncoderIdentity zlib = BlockEncoderFactory.of(new CompressorOptions.Gzip(9, 12, 0), 131072).identity();
        assertEquals("libz.so.1", zlib.library());
        List<String> d = jdk.differences(zlib);
        assertTrue(d.contains("library java.util.zip here, libz.so.1 there"), d.toString());
        assertTrue(d.contains("window 15 here, 12 there"), d.toString());
    }

    @Test
    void differencesNameEachField() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("level", "15");
        a.put("block-size", "131072");
        Map<String, String> b = new LinkedHashMap<>();
        b.put("level", "19");
        b.put("extra", "x");
        EncoderIdentity here = new EncoderIdentity("zstd", "libzstd.so.1", "1.5.4", a);
        EncoderIdentity there = new EncoderIdentity("zstd", "libzstd.so.1", "1.5.6", b);
        assertEquals(List.of("version 1.5.4 here, 1.5.6 there", "level 15 here, 19 there",
                "block-size 131072 here, (absent) there", "extra (absent) here, x there"), here.differences(there));
    }

    static Stream<Arguments> hostile() {
        String m = EncoderIdentity.MAGIC;
        return Stream.of(
                Arguments.of("", "does not start with 'spindelta-encoder/1'"),
                Arguments.of("spindelta-encoder/2 xz liblzma.so.5 5.4.1", "does not start with"),
                Arguments.of(m, "has 0 fields after 'spindelta-encoder/1'; expected at least 3"),
                Arguments.of(m + " xz liblzma.so.5", "has 2 fields"),
                Arguments.of(m + " xz liblzma.so.5 5.4.1 dict", "field 4 'dict' is not NAME=VALUE"),
                Arguments.of(m + " xz liblzma.so.5 5.4.1 =1", "field 4 '=1' is not NAME=VALUE"),
                Arguments.of(m + " xz liblzma.so.5 5.4.1 a=1 dict=", "field 5 'dict=' is not NAME=VALUE"),
                Arguments.of(m + " xz liblzma.so.5 5.4.1 a=1 a=2", "repeats parameter 'a' (field 5)"),
                Arguments.of(m + " xz  liblzma.so.5", "encoder library is empty"),
                Arguments.of(m + " xz liblzma.so.5 5.4.1 a=b=c", "parameter a 'b=c' has character '=' at index 1"),
                Arguments.of(m + " x;z liblzma.so.5 5.4.1", "encoder codec 'x;z' has character ';' at index 1"),
                Arguments.of(m + " xz liblzma.so.5 5.4.1 " + "p=1 ".repeat(300), "over the 1024 allowed"));
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void malformedEncodingsAreRejectedWithTheReason(String text, String message) {
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> EncoderIdentity.decode(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void bytesOutsidePrintableAsciiAreRejected() {
        byte[] b = (EncoderIdentity.MAGIC + " xz liblzma.so.5 5.4.1\n").getBytes(StandardCharsets.US_ASCII);
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> EncoderIdentity.fromBytes(b));
        assertEquals("encoder identity byte 41 is 0x0a, not printable ASCII", e.getMessage());
        byte[] ok = (EncoderIdentity.MAGIC + " xz liblzma.so.5 5.4.1").getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(ok, assertDoesNotThrowDecode(ok).toBytes());
    }

    private static EncoderIdentity assertDoesNotThrowDecode(byte[] b) {
        try {
            return EncoderIdentity.fromBytes(b);
        } catch (CorruptInputException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theConstructorRejectsWhatCouldNotBeEncoded() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EncoderIdentity("xz", "liblzma.so.5", "5.4 beta", Map.of()));
        assertEquals("encoder version '5.4 beta' has character ' ' at index 3; allowed: A-Z a-z 0-9 . , _ + : / -",
                e.getMessage());
    }
}
