package org.spindelta.jigdo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.spindelta.core.Progress;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.format.JigdoFile;
import org.spindelta.jigdo.format.Template;
import org.spindelta.jigdo.format.TemplateListing;
import org.spindelta.jigdo.format.TemplateReader;
import org.spindelta.jigdo.rebuild.MakeImage;
import org.spindelta.jigdo.rebuild.PartSources;
import org.spindelta.jigdo.rebuild.RebuildInput;
import org.spindelta.jigdo.template.ImageLayout;
import org.spindelta.jigdo.template.ImagePiece;
import org.spindelta.jigdo.template.ImageTemplateWriter;
import org.spindelta.jigdo.template.JigdoFileWriter;
import org.spindelta.jigdo.template.TemplateOptions;

/**
 * Templates and {@code .jigdo} files our writers make, from the real ISO decomposed with xorriso's own
 * report of its file extents, given to the real tools: {@code jigdo-file make-image}, {@code verify},
 * {@code list-template} and {@code jigit-mkimage} must accept them and rebuild the ISO byte for byte.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OurTemplatesTest {
    /** "File data lba:  0 ,       33 ,        6 ,    11358 , '/a/Apache-2.0'" */
    private static final Pattern EXTENT = Pattern.compile(
            "File data lba:\\s*\\d+\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*'(.*)'");

    /** Files of at least 1 KiB, where xorriso put them, as matched pieces labelled Tree. */
    static ImageLayout layout(TestImages t) throws Exception {
        String report = TestImages.run(t.dir, "xorriso", "-indev", t.iso.toString(), "-find", "/", "-type", "f",
                "-exec", "report_lba", "--");
        List<ImagePiece.Matched> matched = new ArrayList<>();
        Matcher m = EXTENT.matcher(report);
        while (m.find()) {
            long size = Long.parseLong(m.group(3));
            if (size >= 1024) {
                matched.add(new ImagePiece.Matched(Long.parseLong(m.group(1)) * 2048, size, "Tree:" + m.group(4).substring(1)));
            }
        }
        matched.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        assertTrue(matched.size() > 10, report);
        return ImageLayout.of(Files.size(t.iso), matched);
    }

    /** Our template and .jigdo of the shared ISO, with {@code kind}. */
    static Path[] write(TestImages t, ChecksumKind kind, Path dir) throws Exception {
        Path template = dir.resolve("ours-" + kind.label() + ".template");
        Path jigdo = dir.resolve("ours-" + kind.label() + ".jigdo");
        ImageTemplateWriter.Result r;
        try (FileChannel image = FileChannel.open(t.iso); OutputStream out = Files.newOutputStream(template)) {
            r = ImageTemplateWriter.write(image, layout(t), out, TemplateOptions.of(kind), Progress.NONE);
        }
        var d = new JigdoFileWriter.Description("test.iso", template.getFileName().toString(), r.summary(),
                Optional.of("a test image"), Optional.empty(),
                Map.of("Tree", List.of(new JigdoFile.Server("file:" + t.tree.toAbsolutePath() + "/", false))), r.parts());
        try (OutputStream out = Files.newOutputStream(jigdo)) {
            JigdoFileWriter.write(d, out, false, "spindelta/test");
        }
        return new Path[] {template, jigdo};
    }

    @ParameterizedTest
    @EnumSource(ChecksumKind.class)
    void jigdoFileRebuildsVerifiesAndListsOurTemplate(ChecksumKind kind) throws Exception {
        TestImages t = TestImages.get();
        Path dir = Files.createDirectories(t.dir.resolve("ours-jigdo-file-" + kind.label()));
        Path[] ours = write(t, kind, dir);
        Path out = dir.resolve("rebuilt.iso");
        TestImages.run(dir, "jigdo-file", "make-image", "-r", "quiet", "--image=" + out, "--template=" + ours[0],
                t.tree.toAbsolutePath() + "//");
        assertEquals(-1, Files.mismatch(out, t.iso), "jigdo-file make-image's image differs");
        String verify = TestImages.run(dir, "jigdo-file", "verify", "--image=" + out,
                "--template=" + ours[0]);
        assertTrue(verify.contains("OK: "), verify);
        String listing = TestImages.run(dir, "jigdo-file", "list-template", "-t", ours[0].toString());
        try (FileChannel ch = FileChannel.open(ours[0])) {
            Template tp = TemplateReader.read(ch);
            assertEquals(listing, tp.entries().stream().map(e -> TemplateListing.line(e, false))
                    .collect(Collectors.joining("\n", "", "\n")));
            assertTrue(tp.parts().stream().allMatch(p -> p.dataLength() <= TemplateOptions.DEFAULT_DATA_PART_SIZE));
        }
    }

    @ParameterizedTest
    @EnumSource(ChecksumKind.class)
    void jigitMkimageRebuildsOurTemplate(ChecksumKind kind) throws Exception {
        TestImages t = TestImages.get();
        Path dir = Files.createDirectories(t.dir.resolve("ours-jigit-" + kind.label()));
        Path[] ours = write(t, kind, dir);
        Path out = dir.resolve("rebuilt.iso");
        TestImages.run(dir, "jigit-mkimage", "-j", ours[1].toString(), "-t", ours[0].toString(), "-m",
                "Tree=" + t.tree.toAbsolutePath() + "/", "-o", out.toString());
        assertEquals(-1, Files.mismatch(out, t.iso), "jigit-mkimage's image differs");
    }

    @ParameterizedTest
    @EnumSource(ChecksumKind.class)
    void ourMakeImageRebuildsOurTemplateThroughServers(ChecksumKind kind) throws Exception {
        TestImages t = TestImages.get();
        Path dir = Files.createDirectories(t.dir.resolve("ours-ours-" + kind.label()));
        Path[] ours = write(t, kind, dir);
        Path out = dir.resolve("rebuilt.iso");
        try (RebuildInput in = RebuildInput.open(ours[1], Optional.empty())) {
            MakeImage.image(in, PartSources.none(), out, Progress.NONE);
        }
        assertEquals(-1, Files.mismatch(out, t.iso));
    }

    @org.junit.jupiter.api.Test
    void ourRsync64SumsAreJigdoFilesForTheSameFiles() throws Exception {
        TestImages t = TestImages.get();
        Path dir = Files.createDirectories(t.dir.resolve("ours-rsync"));
        Path[] ours = write(t, ChecksumKind.MD5, dir);
        Path theirs = dir.resolve("jigdo-file.template");
        TestImages.run(dir, "jigdo-file", "make-template", "-f", "-r", "quiet", "--image=" + t.iso,
                "--jigdo=" + dir.resolve("jigdo-file.jigdo"), "--template=" + theirs, t.tree.toAbsolutePath() + "//");
        Map<String, String> want = rsyncByChecksum(theirs);
        Map<String, String> got = rsyncByChecksum(ours[0]);
        assertTrue(want.size() > 10, want::toString);
        for (Map.Entry<String, String> e : want.entrySet()) {
            assertEquals(e.getValue(), got.get(e.getKey()), "rsync64 of the file with md5 " + e.getKey());
        }
    }

    private static Map<String, String> rsyncByChecksum(Path template) throws Exception {
        try (FileChannel ch = FileChannel.open(template)) {
            return TemplateReader.read(ch).entries().stream().filter(e -> e.type().isMatched())
                    .collect(Collectors.toMap(e -> java.util.HexFormat.of().formatHex(e.checksum()),
                            e -> java.util.HexFormat.of().formatHex(e.rsync64()), (a, b) -> a));
        }
    }
}
