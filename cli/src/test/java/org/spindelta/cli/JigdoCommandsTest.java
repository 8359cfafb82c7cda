package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spindelta.core.Progress;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.format.JigdoFile;
import org.spindelta.jigdo.template.ImageLayout;
import org.spindelta.jigdo.template.ImagePiece;
import org.spindelta.jigdo.template.ImageTemplateWriter;
import org.spindelta.jigdo.template.JigdoFileWriter;
import org.spindelta.jigdo.template.TemplateOptions;

/**
 * {@code spindelta jigdo make-image / verify / ls} end to end on an image made of three part files and
 * the bytes between them: exact output, and for bad input one error line, exit 1, nothing at OUT.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JigdoCommandsTest {
    private Path dir;
    private Path image;
    private Path template;
    private Path jigdo;
    private final OutputStream saved = JigdoLsCommand.stdout;

    @BeforeAll
    void build(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Path parts = Files.createDirectories(dir.resolve("parts"));
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        List<ImagePiece.Matched> matched = new ArrayList<>();
        int i = 0;
        for (int size : List.of(300_000, 5000, 2_500_000)) {
            img.write(CliTest.random(3000 + i, 100 + i));
            byte[] part = CliTest.random(size, i);
            Files.write(parts.resolve("p" + i), part);
            matched.add(new ImagePiece.Matched(img.size(), size, "Parts:p" + i));
            img.write(part);
            i++;
        }
        img.write(CliTest.random(70_000, 99));
        image = Files.write(dir.resolve("image.iso"), img.toByteArray());
        template = dir.resolve("image.template");
        ImageTemplateWriter.Result r;
        try (FileChannel ch = FileChannel.open(image); OutputStream o = Files.newOutputStream(template)) {
            r = ImageTemplateWriter.write(ch, ImageLayout.of(img.size(), matched), o,
                    TemplateOptions.of(ChecksumKind.SHA256).withDataPartSize(8192), Progress.NONE);
        }
        jigdo = dir.resolve("image.jigdo");
        try (OutputStream o = Files.newOutputStream(jigdo)) {
            JigdoFileWriter.write(new JigdoFileWriter.Description("image.iso", "image.template", r.summary(),
                    Optional.empty(), Optional.empty(), Map.of("Parts", List.of(new JigdoFile.Server("file:parts/", false))),
                    r.parts()), o, true, "spindelta/test");
        }
    }

    @AfterEach
    void restore() {
        JigdoLsCommand.stdout = saved;
    }

    @Test
    void makeImageFromTheGzippedJigdo() throws Exception {
        Path out = dir.resolve("out.iso");
        CliTest.Run r = CliTest.run("jigdo", "make-image", jigdo.toString(), out.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals(-1, Files.mismatch(out, image));
        assertTrue(r.out().contains("verified against the template"), r::toString);
        CliTest.Run v = CliTest.run("jigdo", "verify", out.toString(), template.toString());
        assertEquals(0, v.code(), v::toString);
        assertTrue(v.out().startsWith("OK: "), v::toString);
    }

    @Test
    void sizeComesFromTheTemplate() {
        CliTest.Run r = CliTest.run("jigdo", "make-image", "--size", template.toString());
        assertEquals(0, r.code(), r::toString);
        assertEquals(String.valueOf(image.toFile().length()), r.out().strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0-0", "0-9999", "2999-3001", "303000-2880000", "2808000-2880000"})
    void rangeIsExactlyThoseBytes(String range) throws Exception {
        Path out = dir.resolve("range-" + range);
        CliTest.Run r = CliTest.run("jigdo", "make-image", "-q", "--range", range, "--source", dir.resolve("parts").toString(),
                template.toString(), out.toString());
        assertEquals(0, r.code(), r::toString);
        String[] ab = range.split("-");
        byte[] all = Files.readAllBytes(image);
        long last = Math.min(Long.parseLong(ab[1]), all.length - 1);
        assertArrayEquals(Arrays.copyOfRange(all, Integer.parseInt(ab[0]), (int) last + 1), Files.readAllBytes(out));
    }

    @Test
    void lsListsEveryEntryAndJson() throws Exception {
        CliTest.Run r = CliTest.run("jigdo", "ls", template.toString());
        assertEquals(0, r.code(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals(8, lines.size(), r::toString);
        assertTrue(lines.get(1).startsWith("need-file-sha256"), r::toString);
        assertTrue(lines.get(7).startsWith("image-info-sha256"), r::toString);
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        JigdoLsCommand.stdout = json;
        CliTest.Run j = CliTest.run("jigdo", "ls", "--json", template.toString());
        assertEquals(0, j.code(), j::toString);
        String s = json.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("\"kind\" : \"need-file-sha256\"") && s.contains("\"imageLength\" : " + image.toFile().length()), s);
    }

    @Test
    void missingPartsAreListedAndNothingIsWritten() throws Exception {
        Path out = dir.resolve("missing.iso");
        CliTest.Run r = CliTest.run("jigdo", "make-image", template.toString(), out.toString());
        CliTest.assertOneLineError(r, "3 parts are missing");
        assertEquals(3, r.out().lines().filter(l -> l.startsWith("missing: ")).count(), r::toString);
        assertNothingAt(out);
    }

    @Test
    void aWrongPartFailsVerificationAndNothingIsWritten() throws Exception {
        Path bad = Files.createDirectories(dir.resolve("bad-parts"));
        for (int i = 0; i < 3; i++) {
            byte[] b = Files.readAllBytes(dir.resolve("parts/p" + i));
            b[b.length - 1] ^= (byte) (i == 2 ? 1 : 0);
            Files.write(bad.resolve("p" + i), b);
        }
        Path out = dir.resolve("bad.iso");
        CliTest.Run r = CliTest.run("jigdo", "make-image", "--source", "Parts=" + bad, jigdo.toString(), out.toString());
        CliTest.assertOneLineError(r, "p2", "sha256");
        assertNothingAt(out);
    }

    @Test
    void hostileInputsGiveOneLine() throws Exception {
        byte[] t = Files.readAllBytes(template);
        Path truncated = Files.write(dir.resolve("truncated.template"), Arrays.copyOf(t, t.length - 9));
        Path garbage = Files.write(dir.resolve("garbage.jigdo"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        Path text = Files.writeString(dir.resolve("text.jigdo"), "[Image]\nTemplate='unclosed\n");
        Path out = dir.resolve("never.iso");
        CliTest.assertOneLineError(CliTest.run("jigdo", "make-image", truncated.toString(), out.toString()),
                "truncated.template", "DESC");
        CliTest.assertOneLineError(CliTest.run("jigdo", "make-image", garbage.toString(), out.toString()), "gzip");
        CliTest.assertOneLineError(CliTest.run("jigdo", "make-image", text.toString(), out.toString()), "line 2");
        CliTest.assertOneLineError(CliTest.run("jigdo", "ls", truncated.toString()), "DESC");
        CliTest.assertOneLineError(CliTest.run("jigdo", "verify", truncated.toString(), template.toString()), "bytes");
        CliTest.assertOneLineError(CliTest.run("jigdo", "make-image", "--range", "5-" + t.length * 1000L,
                template.toString(), out.toString()), "past the image");
        CliTest.assertOneLineError(CliTest.run("jigdo", "make-image", "--range", "9-5", template.toString(),
                out.toString()), "START <= END");
        assertNothingAt(out);
        assertEquals(2, CliTest.run("jigdo", "make-image", template.toString()).code());
    }

    private void assertNothingAt(Path out) throws Exception {
        assertFalse(Files.exists(out), out + " exists");
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "a temporary file was left");
        }
    }
}
