package org.spindelta.jigdo.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FormatException;
import org.spindelta.core.LimitExceededException;
import org.spindelta.core.SpindeltaException;

/** The template reader on small built templates: what it accepts and each rejection's message. */
class TemplateReaderTest {
    @TempDir
    Path dir;

    static final byte[] DATA = "unmatched bytes of the image, ".repeat(40).getBytes();
    static final byte[] MD5 = new byte[16];
    static final byte[] SHA = new byte[32];

    /** 1200 unmatched, a 5000-byte file, the image info: 6200 bytes. */
    static TemplateBytes valid() {
        return new TemplateBytes().data(DATA).unmatched(DATA.length).matchedMd5(5000, MD5)
                .imageInfoMd5(DATA.length + 5000, MD5);
    }

    Template read(byte[] bytes) throws IOException {
        Path f = Files.write(dir.resolve("t.template"), bytes);
        try (FileChannel ch = FileChannel.open(f)) {
            Template t = TemplateReader.read(ch);
            try (DataPartReader r = new DataPartReader(ch, t)) {
                r.seek(0);
                byte[] all = new byte[(int) t.dataOffset(t.entryCount() - 1)];
                r.readFully(all, 0, all.length);
            }
            return t;
        }
    }

    @Test
    void readsAValidTemplate() throws IOException {
        Template t = read(valid().build());
        assertEquals(DATA.length + 5000, t.imageLength());
        assertEquals(ChecksumKind.MD5, t.checksumKind());
        assertEquals("1.2", t.header().version());
        assertEquals("test/1", t.header().creator());
        assertEquals(3, t.entryCount());
        assertEquals(DescEntryType.MATCHED_MD5, t.entry(1).type());
        assertEquals(DATA.length, t.entry(1).imageOffset());
        assertEquals(0, t.entryAt(0));
        assertEquals(0, t.entryAt(DATA.length - 1));
        assertEquals(1, t.entryAt(DATA.length));
        assertEquals(1, t.entryAt(t.imageLength() - 1));
    }

    @Test
    void acceptsObsoleteTypesAndBzip2() throws IOException {
        byte[] bz = bzip2(DATA);
        byte[] b = new TemplateBytes().part("BZIP", bz.length + 16L, DATA.length, bz).unmatched(DATA.length)
                .entry(3, 100, MD5).entry(1, DATA.length + 100, MD5).build();
        Template t = read(b);
        assertEquals(DescEntryType.MATCHED_OBSOLETE, t.entry(1).type());
        assertEquals(null, t.entry(1).rsync64());
        assertEquals(PartCompression.BZIP2, t.part(0).compression());
    }

    static Stream<Arguments> hostile() {
        byte[] v = valid().build();
        return Stream.of(
                Arguments.of("not a template", "hello, world\r\n".getBytes(), "not a jigdo template"),
                Arguments.of("header line 3 not empty",
                        new TemplateBytes().header("JigsawDownload template 1.2 x\r\nc\r\nX\r\n").unmatched(0)
                                .imageInfoMd5(0, MD5).build(), "line 3"),
                Arguments.of("truncated", Arrays.copyOf(v, v.length / 2), "DESC length"),
                Arguments.of("DESC length 0 in the trailer", valid().trailer(0).build(), "DESC length 0"),
                Arguments.of("DESC pointing outside the file", valid().trailer(1L << 40).build(), "outside"),
                Arguments.of("DESC pointing into the data", valid().trailer(40).build(), "no DESC part"),
                Arguments.of("DESC lengths disagree", valid().descLength(99).build(), "says its length is 99"),
                Arguments.of("unknown entry type", valid().entry(7, 0, new byte[0]).build(), "DESC entry type 7"),
                Arguments.of("entry past DESC's end", new TemplateBytes().data(DATA).unmatched(DATA.length)
                        .imageInfoMd5(DATA.length, MD5).raw(new byte[] {6, 1, 0}).build(), "needs 31 bytes"),
                Arguments.of("no image info", new TemplateBytes().data(DATA).unmatched(DATA.length).build(),
                        "no image-info entry"),
                Arguments.of("two image infos", valid().imageInfoMd5(6200, MD5).build(), "second image-info"),
                Arguments.of("lengths not adding up", new TemplateBytes().data(DATA).unmatched(DATA.length)
                        .imageInfoMd5(DATA.length + 1, MD5).build(), "add up to " + DATA.length),
                Arguments.of("parts short of the unmatched bytes", new TemplateBytes().data(DATA)
                        .unmatched(DATA.length + 10).imageInfoMd5(DATA.length + 10, MD5).build(), "need " + (DATA.length + 10)),
                Arguments.of("mixed checksum kinds", new TemplateBytes().matchedSha256(10, SHA).imageInfoMd5(10, MD5)
                        .build(), "one checksum kind"),
                Arguments.of("unknown part id", new TemplateBytes().part("ZZZZ", 16, 0, new byte[0])
                        .imageInfoMd5(0, MD5).build(), "has id 'ZZZZ'"),
                Arguments.of("part longer than the file", new TemplateBytes().part("DATA", 1L << 30, 5, new byte[5])
                        .unmatched(5).imageInfoMd5(5, MD5).build(), "has length 1073741824"),
                Arguments.of("part shorter than its header", new TemplateBytes().part("DATA", 3, 0, new byte[0])
                        .imageInfoMd5(0, MD5).build(), "has length 3"),
                Arguments.of("corrupt zlib stream", new TemplateBytes().part("DATA", 26, 100, new byte[10])
                        .unmatched(100).imageInfoMd5(100, MD5).build(), "does not decompress"),
                Arguments.of("part yielding less than declared", new TemplateBytes()
                        .part("DATA", TemplateBytes.zlib(DATA).length + 16L, DATA.length + 5, TemplateBytes.zlib(DATA))
                        .unmatched(DATA.length + 5).imageInfoMd5(DATA.length + 5, MD5).build(), "ends after 1200 of the 1205"),
                Arguments.of("part yielding more than declared", new TemplateBytes()
                        .part("DATA", TemplateBytes.zlib(DATA).length + 16L, DATA.length - 5, TemplateBytes.zlib(DATA))
                        .unmatched(DATA.length - 5).imageInfoMd5(DATA.length - 5, MD5).build(), "more than the 1195 bytes"),
                Arguments.of("image over 48 bits", new TemplateBytes().matchedMd5(TemplateFormat.MAX_LENGTH, MD5)
                        .matchedMd5(TemplateFormat.MAX_LENGTH, MD5).imageInfoMd5(5, MD5).build(), "48-bit"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void rejectsWithAMessageNamingTheField(String name, byte[] template, String message) {
        SpindeltaException e = assertThrows(SpindeltaException.class, () -> read(template));
        assertTrue(e.getMessage().contains(message), () -> name + ": " + e.getMessage());
        assertTrue(e instanceof CorruptInputException || e instanceof FormatException, e.getClass().getName());
    }

    @Test
    void descOverTheLimitIsALimitError() throws IOException {
        Path f = Files.write(dir.resolve("big.template"), valid().build());
        try (FileChannel ch = FileChannel.open(f)) {
            SpindeltaException e = assertThrows(SpindeltaException.class,
                    () -> TemplateReader.read(ch, new TemplateReader.Options(20)));
            assertInstanceOf(LimitExceededException.class, e);
            assertEquals(20, ((LimitExceededException) e).limit());
        }
    }

    @Test
    void rsync64RollsLikeItIsRecomputed() throws Exception {
        byte[] b = Files.readAllBytes(Path.of("/usr/share/common-licenses/GPL-3"));
        int n = 1024;
        Rsync64Sum rolling = new Rsync64Sum().update(b, 0, n);
        for (int i = 1; i < 300; i++) {
            rolling.removeFirst(b[i - 1], n).update(b[i - 1 + n]);
            assertArrayEquals(Rsync64Sum.of(b, i, n), rolling.toBytes(), "window at " + i);
        }
    }

    @Test
    void base64IsJigdos() throws Exception {
        byte[] md5 = MessageDigest.getInstance("MD5").digest("x".getBytes());
        String s = JigdoBase64.encode(md5);
        assertEquals(22, s.length());
        assertArrayEquals(md5, JigdoBase64.decode(s, 16, "test"));
        assertThrows(CorruptInputException.class, () -> JigdoBase64.decode(s + "==", 16, "test"));
        assertThrows(CorruptInputException.class, () -> JigdoBase64.decode(s.replace(s.charAt(0), '+'), 16, "test"));
        assertThrows(CorruptInputException.class, () -> JigdoBase64.decode(s.substring(0, 21) + "B", 16, "test"));
    }

    static byte[] bzip2(byte[] data) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        try (var z = new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }
}
