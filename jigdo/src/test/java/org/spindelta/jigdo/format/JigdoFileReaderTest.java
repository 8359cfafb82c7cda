package org.spindelta.jigdo.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FormatException;
import org.spindelta.core.LimitExceededException;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.UnsupportedFormatException;

/** {@code .jigdo} text: jigdo-file(1)'s quoting, sections, repeated keys, gzip, and rejections. */
class JigdoFileReaderTest {
    /** What libjte writes, plus debian-cd's additions: a trailing space, ShortInfo, --try-last. */
    static final String DEBIAN_LIKE = """
            # JigsawDownload
            # See <https://www.einval.com/~steve/software/jigdo/> for details about jigdo

            [Jigdo]
            Version=1.1
            Generator=libjte-2.0.0

            [Image]
            Filename=debian-12.iso
            Template=http://localhost/jte/debian-12.template
            Template-MD5Sum=wy7FlyTy94fJjaKa_ke91g\s
            ShortInfo='Debian GNU/Linux 12 "Bookworm" - Official amd64 DVD Binary-1'
            Info='Generated on Sat, 10 Jun 2023 13:13:26 +0100'

            [Parts]
            O4Pvljh_FGVfyFTdw8a9Vw=Debian:pool/main/a/apache.deb
            O4Pvljh_FGVfyFTdw8a9Vw=Other:apache.deb   # an alternative
            HrvT40I3rybaXcCKTkQEZA = "Debian:pool/main/g/with space.deb"

            [Comment]
            anything = at all
            no equals sign here

            [Servers]
            Debian=https://snapshot.debian.org/archive/debian/20230610T000000Z/ --try-last
            Debian=http://deb.debian.org/debian/
            Other=Debian:extra/
            """;

    static JigdoFile parse(String text) throws IOException {
        return JigdoFileReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 1 << 20);
    }

    @Test
    void readsWhatDebianPublishes() throws IOException {
        JigdoFile j = parse(DEBIAN_LIKE);
        assertEquals("debian-12.iso", j.image("Filename").orElseThrow());
        assertEquals(16, j.templateChecksum(ChecksumKind.MD5).orElseThrow().length); // trailing space trimmed
        assertTrue(j.templateChecksum(ChecksumKind.SHA256).isEmpty());
        assertEquals("'Debian GNU/Linux 12 \"Bookworm\" - Official amd64 DVD Binary-1'", j.imageText("ShortInfo").orElseThrow());
        Map<String, List<String>> parts = j.parts();
        assertEquals(List.of("Debian:pool/main/a/apache.deb", "Other:apache.deb"), parts.get("O4Pvljh_FGVfyFTdw8a9Vw"));
        assertEquals(List.of("Debian:pool/main/g/with space.deb"), parts.get("HrvT40I3rybaXcCKTkQEZA"));
        var servers = j.servers().get("Debian");
        assertEquals("http://deb.debian.org/debian/", servers.get(0).location());
        assertEquals(new JigdoFile.Server("https://snapshot.debian.org/archive/debian/20230610T000000Z/", true), servers.get(1));
        assertEquals("Debian:extra/", j.servers().get("Other").get(0).location());
        assertTrue(j.section("Comment").orElseThrow().entries().isEmpty());
    }

    @Test
    void readsGzip() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(DEBIAN_LIKE.getBytes(StandardCharsets.UTF_8));
        }
        JigdoFile j = JigdoFileReader.read(new ByteArrayInputStream(b.toByteArray()), 1 << 20);
        assertEquals(parse(DEBIAN_LIKE), j);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "plain|plain",
        "'single quoted # not a comment'|single quoted # not a comment",
        "\"double \\\"escaped\\\" # kept\"|double \"escaped\" # kept",
        "back\\ slash\\#|back slash#",
        "'it'\\''s'|it's",
        "''|''"})
    void splitsWordsLikeJigdo(String value, String word) {
        List<String> words = JigdoWords.split(value);
        assertEquals(word.equals("''") ? List.of("") : List.of(word), words);
        assertEquals(words, JigdoWords.split(JigdoWords.quote(words.get(0))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[Image]%nFilename=`'`unclosed|unclosed ' quote",
        "Filename=x|line 1: entry 'Filename=x' comes before any [Section]",
        "[Image%nx=y|has no closing ']'",
        "[Image]%njust words|line 2: expected Key=Value",
        "[Jigdo]%nVersion=3.0|Version 3.0 is newer",
        "[Jigdo]%nVersion=x.y|is not a number",
        "# only a comment|no [Section]",
        "[Image]%nTemplate-MD5Sum=abc|has 3 characters",
        "[Image]%nFilename=x\\|lone backslash"})
    void rejectsWithALineNumber(String text, String message) {
        SpindeltaException e = assertThrows(SpindeltaException.class, () -> {
            JigdoFile j = parse(text.replace("%n", "\n"));
            j.image("Filename");
            j.templateChecksum(ChecksumKind.MD5);
        });
        assertTrue(e.getMessage().contains(message), e::getMessage);
        assertTrue(e instanceof CorruptInputException || e instanceof FormatException
                || e instanceof UnsupportedFormatException, e.getClass().getName());
    }

    @Test
    void rejectsGzipBombsAndBadBytes() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(new byte[4 << 20]);
        }
        SpindeltaException e = assertThrows(SpindeltaException.class,
                () -> JigdoFileReader.read(new ByteArrayInputStream(b.toByteArray()), 1 << 20));
        assertInstanceOf(LimitExceededException.class, e);
        byte[] cut = java.util.Arrays.copyOf(b.toByteArray(), 30);
        assertInstanceOf(CorruptInputException.class, assertThrows(SpindeltaException.class,
                () -> JigdoFileReader.read(new ByteArrayInputStream(cut), 1 << 20)));
        assertInstanceOf(CorruptInputException.class, assertThrows(SpindeltaException.class,
                () -> JigdoFileReader.read(new ByteArrayInputStream(new byte[] {'[', 'a', ']', '\n', (byte) 0xff}), 100)));
    }
}
