package org.spindelta.jigdo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.Progress;
import org.spindelta.core.VerificationException;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.rebuild.MakeImage;
import org.spindelta.jigdo.rebuild.MissingPartsException;
import org.spindelta.jigdo.rebuild.PartSources;
import org.spindelta.jigdo.rebuild.RebuildInput;
import org.spindelta.jigdo.template.TemplateOptions;
import org.spindelta.jigdo.template.TemplateWriter;

/**
 * make-image refuses to finish from the wrong inputs, and leaves nothing in place of OUT: missing parts
 * (listed before anything is written), a part with the right size and wrong bytes, a wrong image checksum,
 * a template that is not the one the .jigdo names, hostile [Servers] and [Parts] entries.
 */
class MakeImageFailuresTest {
    @TempDir
    Path dir;

    private Path[] ours(ChecksumKind kind) throws Exception {
        return OurTemplatesTest.write(TestImages.get(), kind, dir);
    }

    private void assertNothingWritten(Path out) throws Exception {
        assertFalse(Files.exists(out), out + " exists");
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "a temporary file was left");
        }
    }

    @Test
    void missingPartsAreListedBeforeAnythingIsWritten() throws Exception {
        Path[] t = ours(ChecksumKind.MD5);
        Path out = dir.resolve("out.iso");
        try (RebuildInput in = RebuildInput.open(t[0], Optional.empty())) {
            MissingPartsException e = assertThrows(MissingPartsException.class,
                    () -> MakeImage.image(in, PartSources.none(), out, Progress.NONE));
            long matched = in.template().entries().stream().filter(x -> x.type().isMatched())
                    .map(x -> java.util.Arrays.toString(x.checksum())).distinct().count();
            assertEquals(matched, e.missing().size());
            assertTrue(e.getMessage().contains("missing"), e.getMessage());
        }
        assertNothingWritten(out);
    }

    @Test
    void aPartWithTheRightSizeAndWrongBytesFailsVerification() throws Exception {
        TestImages images = TestImages.get();
        Path[] t = ours(ChecksumKind.SHA256);
        Path tree = dir.resolve("tree");
        for (Path f : images.files()) {
            Path to = tree.resolve(images.tree.relativize(f).toString());
            Files.createDirectories(to.getParent());
            Files.copy(f, to);
        }
        Path victim = images.files().stream().filter(p -> sizeOf(p) > 100_000).findFirst().orElseThrow();
        byte[] b = Files.readAllBytes(tree.resolve(images.tree.relativize(victim).toString()));
        b[b.length / 2] ^= 1;
        Files.write(tree.resolve(images.tree.relativize(victim).toString()), b);
        Path out = dir.resolve("out.iso");
        try (RebuildInput in = RebuildInput.open(t[1], Optional.empty())) {
            VerificationException e = assertThrows(VerificationException.class, () -> MakeImage.image(in,
                    new PartSources(Map.of("Tree", List.of(tree)), List.of(), List.of()), out, Progress.NONE));
            assertTrue(e.getMessage().contains(victim.getFileName().toString()) && e.getMessage().contains("sha256"),
                    e.getMessage());
        }
        assertNothingWritten(out);
    }

    @Test
    void aWrongImageChecksumFailsVerification() throws Exception {
        Path template = dir.resolve("bad.template");
        try (OutputStream o = Files.newOutputStream(template);
                TemplateWriter w = TemplateWriter.open(o, TemplateOptions.defaults())) {
            w.unmatched(new byte[5000], 0, 5000);
            w.finish(new byte[16]);
        }
        Path out = dir.resolve("out.iso");
        try (RebuildInput in = RebuildInput.open(template, Optional.empty())) {
            VerificationException e = assertThrows(VerificationException.class,
                    () -> MakeImage.image(in, PartSources.none(), out, Progress.NONE));
            assertTrue(e.getMessage().contains("rebuilt image has md5"), e.getMessage());
        }
        assertNothingWritten(out);
    }

    @Test
    void aTemplateThatIsNotTheJigdosIsRefused() throws Exception {
        Path[] md5 = ours(ChecksumKind.MD5);
        Path other = dir.resolve("other.template");
        try (OutputStream o = Files.newOutputStream(other);
                TemplateWriter w = TemplateWriter.open(o, TemplateOptions.defaults())) {
            w.unmatched(new byte[10], 0, 10);
            w.finish(new byte[16]);
        }
        VerificationException e = assertThrows(VerificationException.class,
                () -> RebuildInput.open(md5[1], Optional.of(other)).close());
        assertTrue(e.getMessage().contains("Template-MD5Sum"), e.getMessage());
    }

    @Test
    void labelLoopsAndClimbingPathsAreRefused() throws Exception {
        Path[] t = ours(ChecksumKind.MD5);
        String jigdo = Files.readString(t[1]).replaceAll("(?m)^Tree=.*$", "Tree=Loop:x/\nLoop=Tree:y/");
        Files.writeString(t[1], jigdo);
        try (RebuildInput in = RebuildInput.open(t[1], Optional.empty())) {
            CorruptInputException e = assertThrows(CorruptInputException.class,
                    () -> MakeImage.image(in, PartSources.none(), dir.resolve("o"), Progress.NONE));
            assertTrue(e.getMessage().contains("nest deeper"), e.getMessage());
        }
        String climbing = Files.readString(t[1]).replaceAll("(?m)^(Tree|Loop)=.*$", "")
                .replace("[Servers]", "[Servers]\nTree=file:" + TestImages.get().tree + "/")
                .replaceAll("=Tree:", "=Tree:../" + TestImages.get().tree.getFileName() + "/");
        Files.writeString(t[1], climbing);
        try (RebuildInput in = RebuildInput.open(t[1], Optional.empty())) {
            assertThrows(MissingPartsException.class,
                    () -> MakeImage.image(in, PartSources.none(), dir.resolve("o"), Progress.NONE));
        }
    }

    @Test
    void sameSizedDecoysInASourceDirectoryAreToldApartByChecksum() throws Exception {
        TestImages images = TestImages.get();
        Path[] t = ours(ChecksumKind.MD5);
        Path decoys = Files.createDirectories(dir.resolve("decoys"));
        for (Path f : images.files().subList(0, 5)) {
            byte[] b = Files.readAllBytes(f);
            if (b.length > 0) {
                b[0] ^= 1;
            }
            Files.write(decoys.resolve("decoy-" + f.getFileName()), b);
        }
        Path out = dir.resolve("out.iso");
        try (RebuildInput in = RebuildInput.open(t[0], Optional.empty())) {
            MakeImage.image(in, new PartSources(Map.of(), List.of(decoys, images.tree), List.of()), out, Progress.NONE);
        }
        assertEquals(-1, Files.mismatch(out, images.iso));
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
