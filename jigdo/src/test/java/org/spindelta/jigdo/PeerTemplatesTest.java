package org.spindelta.jigdo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.spindelta.core.Progress;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.format.PartCompression;
import org.spindelta.jigdo.format.Template;
import org.spindelta.jigdo.format.TemplateListing;
import org.spindelta.jigdo.rebuild.ByteRange;
import org.spindelta.jigdo.rebuild.ImageAssembler;
import org.spindelta.jigdo.rebuild.MakeImage;
import org.spindelta.jigdo.rebuild.PartSources;
import org.spindelta.jigdo.rebuild.RebuildInput;

/**
 * Templates the real tools write, rebuilt by ours: jigdo-file make-template (MD5, SHA-256, bzip2),
 * xorriso's libjte ({@code -jigdo-*}: MD5, SHA-256, bzip2) and genisoimage's JTE (MD5). Each must give
 * back the peer's image byte for byte, whole and in random ranges, and our listing must be
 * {@code jigdo-file list-template}'s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeerTemplatesTest {
    enum Maker {
        JIGDO_FILE_MD5, JIGDO_FILE_SHA256, JIGDO_FILE_BZIP2, XORRISO_MD5, XORRISO_SHA256, XORRISO_BZIP2, GENISOIMAGE_MD5
    }

    /** A peer's output: the image, its template and .jigdo file. */
    record Made(Path iso, Path template, Path jigdo, ChecksumKind kind) {}

    private final Map<Maker, Made> made = new EnumMap<>(Maker.class);

    private synchronized Made made(Maker m) throws Exception {
        if (!made.containsKey(m)) {
            made.put(m, make(m));
        }
        return made.get(m);
    }

    private static Made make(Maker m) throws Exception {
        TestImages t = TestImages.get();
        Path d = Files.createDirectories(t.dir.resolve(m.name().toLowerCase()));
        Path template = d.resolve("image.template");
        Path jigdo = d.resolve("image.jigdo");
        String tree = t.tree.toAbsolutePath().toString();
        List<String> jte = List.of("-jigdo-jigdo", jigdo.toString(), "-jigdo-template", template.toString(),
                "-jigdo-map", "Tree=" + tree + "/");
        Path iso = d.resolve("image.iso");
        switch (m) {
            case JIGDO_FILE_MD5, JIGDO_FILE_SHA256, JIGDO_FILE_BZIP2 -> {
                iso = t.iso;
                List<String> c = new ArrayList<>(List.of("jigdo-file", "make-template", "-f", "-r", "quiet",
                        "--image=" + iso, "--jigdo=" + jigdo, "--template=" + template, "--label", "Tree=" + tree + "/"));
                if (m == Maker.JIGDO_FILE_SHA256) {
                    c.add("--checksum-algorithm=sha256");
                }
                if (m == Maker.JIGDO_FILE_BZIP2) {
                    c.add("--bzip2");
                }
                c.add(tree + "//");
                TestImages.run(d, c.toArray(String[]::new));
            }
            case XORRISO_MD5, XORRISO_BZIP2 -> {
                List<String> c = new ArrayList<>(List.of("xorriso", "-as", "mkisofs", "-R", "-J", "-V", "TESTISO",
                        "-o", iso.toString()));
                c.addAll(jte);
                c.addAll(List.of("-md5-list", t.checksumList(ChecksumKind.MD5).toString()));
                if (m == Maker.XORRISO_BZIP2) {
                    c.addAll(List.of("-jigdo-template-compress", "bzip2"));
                }
                c.add(tree);
                TestImages.run(d, c.toArray(String[]::new));
            }
            case XORRISO_SHA256 -> {
                List<String> c = new ArrayList<>(List.of("xorriso", "-as", "mkisofs", "-R", "-J", "-V", "TESTISO",
                        "-o", iso.toString()));
                c.addAll(jte);
                c.addAll(List.of("-jigdo-checksum-algorithm", "sha256", "-checksum-list",
                        t.checksumList(ChecksumKind.SHA256).toString(), tree));
                TestImages.run(d, c.toArray(String[]::new));
            }
            case GENISOIMAGE_MD5 -> {
                List<String> c = new ArrayList<>(List.of("genisoimage", "-quiet", "-R", "-J", "-o", iso.toString()));
                c.addAll(jte);
                c.addAll(List.of("-md5-list", t.checksumList(ChecksumKind.MD5).toString(), tree));
                TestImages.run(d, c.toArray(String[]::new));
            }
        }
        ChecksumKind kind = m.name().endsWith("SHA256") ? ChecksumKind.SHA256 : ChecksumKind.MD5;
        return new Made(iso, template, jigdo, kind);
    }

    private static PartSources treeLabel() {
        return new PartSources(Map.of("Tree", List.of(TestImages.get().tree)), List.of(), List.of());
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void makeImageFromTheJigdoFileIsThePeersImage(Maker m) throws Exception {
        Made p = made(m);
        Path out = p.iso.resolveSibling("ours-from-jigdo.iso");
        // jigdo-file's [Servers] names the tree (file:...); libjte's is empty, so the label is given
        PartSources sources = m.name().startsWith("JIGDO_FILE") ? PartSources.none() : treeLabel();
        try (RebuildInput in = RebuildInput.open(p.jigdo, Optional.empty())) {
            assertEquals(p.kind, in.template().checksumKind());
            assertTrue(in.template().entries().stream().anyMatch(e -> e.type().isMatched()), "nothing matched");
            MakeImage.image(in, sources, out, Progress.NONE);
        }
        assertEquals(-1, Files.mismatch(out, p.iso), m + ": rebuilt image differs");
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void makeImageFromTheTemplateAndADirectoryIsThePeersImage(Maker m) throws Exception {
        Made p = made(m);
        Path out = p.iso.resolveSibling("ours-from-template.iso");
        try (RebuildInput in = RebuildInput.open(p.template, Optional.empty())) {
            if (m.name().endsWith("BZIP2")) {
                assertTrue(in.template().parts().stream().allMatch(d -> d.compression() == PartCompression.BZIP2));
            }
            MakeImage.image(in, new PartSources(Map.of(), List.of(TestImages.get().tree), List.of()), out, Progress.NONE);
        }
        assertEquals(-1, Files.mismatch(out, p.iso), m + ": rebuilt image differs");
        try (RebuildInput in = RebuildInput.open(p.template, Optional.empty())) {
            assertArrayEquals(in.template().imageInfo().checksum(), MakeImage.verify(p.iso, in.template(), Progress.NONE));
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void listingIsJigdoFilesListTemplate(Maker m) throws Exception {
        Made p = made(m);
        for (boolean hex : new boolean[] {false, true}) {
            String theirs = TestImages.run(p.template.getParent(), hex
                    ? new String[] {"jigdo-file", "list-template", "--hex", "-t", p.template.toString()}
                    : new String[] {"jigdo-file", "list-template", "-t", p.template.toString()});
            try (FileChannel ch = FileChannel.open(p.template)) {
                Template t = org.spindelta.jigdo.format.TemplateReader.read(ch);
                String ours = t.entries().stream().map(e -> TemplateListing.line(e, hex))
                        .collect(Collectors.joining("\n", "", "\n"));
                assertEquals(theirs, ours, m + (hex ? " --hex" : ""));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Maker.class, names = {"JIGDO_FILE_MD5", "XORRISO_BZIP2", "XORRISO_SHA256"})
    void rangesAreExactlyTheImagesBytes(Maker m) throws Exception {
        Made p = made(m);
        byte[] image = Files.readAllBytes(p.iso);
        Random random = new Random(m.ordinal());
        List<ByteRange> ranges = new ArrayList<>(List.of(new ByteRange(0, 0), new ByteRange(0, image.length - 1),
                new ByteRange(image.length - 1, image.length - 1), new ByteRange(1_000_000, 1_999_999)));
        for (int i = 0; i < 40; i++) {
            long a = random.nextInt(image.length);
            long len = 1 + random.nextInt(i % 2 == 0 ? 5000 : 3_000_000);
            ranges.add(new ByteRange(a, Math.min(image.length - 1, a + len - 1)));
        }
        try (RebuildInput in = RebuildInput.open(p.template, Optional.empty())) {
            var parts = in.locator(treeLabelAndDir()).locate(ImageAssembler.needed(in.template()), Progress.NONE);
            for (ByteRange r : ranges) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                ImageAssembler.writeRange(in.channel(), in.template(), parts, r, Channels.newChannel(got), Progress.NONE);
                byte[] want = java.util.Arrays.copyOfRange(image, (int) r.first(), (int) r.last() + 1);
                assertArrayEquals(want, got.toByteArray(), m + " range " + r);
            }
        }
    }

    private static PartSources treeLabelAndDir() {
        return new PartSources(Map.of(), List.of(TestImages.get().tree), List.of());
    }
}
