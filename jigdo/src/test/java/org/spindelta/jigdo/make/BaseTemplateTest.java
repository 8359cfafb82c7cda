package org.spindelta.jigdo.make;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spindelta.core.Progress;
import org.spindelta.core.UnsupportedFormatException;
import org.spindelta.core.VerificationException;
import org.spindelta.jigdo.TestImages;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.format.DescEntry;
import org.spindelta.jigdo.format.RangeLocation;
import org.spindelta.jigdo.match.ChecksumList;
import org.spindelta.jigdo.rebuild.ByteRange;
import org.spindelta.jigdo.rebuild.MakeImage;
import org.spindelta.jigdo.rebuild.PartSources;
import org.spindelta.jigdo.rebuild.RebuildInput;
import org.spindelta.jigdo.template.TemplateOptions;

/**
 * Templates of a SquashFS spin against its base image ({@code make-template --base}): real mksquashfs
 * images of a tree of real files and of its changed copy (a file edited in the middle, files added, one
 * removed), for gzip, xz and zstd. The spin rebuilds byte for byte from the template and the base image,
 * jigdo-file verifies and lists our template, byte ranges are exact, and a damaged base is caught.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BaseTemplateTest {
    private TestImages t;
    private Path dir;
    private Path baseTree;
    private Path spinTree;

    @BeforeAll
    void trees() throws Exception {
        t = TestImages.get();
        dir = Files.createDirectories(t.dir.resolve("base-template"));
        // the shared tree of real files, plus a real multi-block program from /usr/bin
        baseTree = dir.resolve("base-tree");
        copyTree(t.tree, baseTree);
        Path program;
        try (Stream<Path> s = Files.list(Path.of("/usr/bin"))) {
            program = s.filter(Files::isRegularFile).filter(f -> !Files.isSymbolicLink(f))
                    .filter(f -> f.toFile().length() > 600_000 && f.toFile().length() < 4_000_000)
                    .sorted().findFirst().orElseThrow();
        }
        Files.copy(program, baseTree.resolve("program"));
        spinTree = dir.resolve("spin-tree");
        copyTree(baseTree, spinTree);
        // an edit in the middle block of the program, a removed file, a new directory of text
        try (RandomAccessFile f = new RandomAccessFile(spinTree.resolve("program").toFile(), "rw")) {
            f.seek(f.length() / 2);
            f.write("edited in the spin".getBytes(StandardCharsets.US_ASCII));
        }
        List<Path> files = t.files();
        Files.delete(spinTree.resolve(t.tree.relativize(files.get(files.size() / 3))));
        Path added = Files.createDirectories(spinTree.resolve("locale/de"));
        Files.copy(Path.of("/etc/services"), added.resolve("services"));
        Files.writeString(added.resolve("messages.txt"), "Guten Tag, Welt\n".repeat(3000));
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                Path dest = to.resolve(from.relativize(f));
                Files.createDirectories(dest.getParent());
                Files.copy(f, dest, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private Path squashfs(Path tree, String name, String comp) throws Exception {
        Path img = dir.resolve(name + "." + comp + ".sqfs");
        if (!Files.exists(img)) {
            TestImages.run(dir, "mksquashfs", tree.toString(), img.toString(), "-comp", comp, "-noappend",
                    "-no-progress", "-quiet", "-processors", "2");
        }
        return img;
    }

    private static MakeTemplate.Options options(ChecksumKind kind) {
        return new MakeTemplate.Options(List.of(), Map.of(), 1024, List.of(), ChecksumList.empty(),
                TemplateOptions.of(kind), false, Optional.empty(), Optional.empty(), 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "xz", "zstd"})
    void aSpinRebuildsFromItsTemplateAndTheBaseImage(String comp) throws Exception {
        Path base = squashfs(baseTree, "base", comp);
        Path spin = squashfs(spinTree, "spin", comp);
        Path out = Files.createDirectories(dir.resolve("out-" + comp));
        Path jigdo = out.resolve("spin.jigdo");
        Path template = out.resolve("spin.template");
        BaseTemplate.Result r = BaseTemplate.make(spin, base, jigdo, template, options(ChecksumKind.MD5), Progress.NONE);

        long spinSize = Files.size(spin);
        assertTrue(r.parts() > 0 && r.baseBytes() > spinSize / 2,
                "most of the spin comes from the base: " + r + " of " + spinSize);
        assertTrue(r.summary().templateLength() < spinSize - r.baseBytes() + 64 * 1024, r.toString());
        try (RebuildInput in = RebuildInput.open(jigdo, Optional.empty())) {
            List<DescEntry> matched = in.template().entries().stream().filter(e -> e.type().isMatched()).toList();
            assertEquals(r.parts(), matched.size());
            for (List<String> locations : in.jigdo().orElseThrow().parts().values()) {
                RangeLocation l = RangeLocation.parse(locations.get(0)).orElseThrow();
                assertEquals(BaseTemplate.LABEL + ":" + base.getFileName(), l.file());
                assertTrue(l.end() <= Files.size(base));
            }
            // the [Servers] entry names the base image's directory: make-image finds it there
            Path rebuilt = out.resolve("rebuilt.sqfs");
            MakeImage.image(in, PartSources.none(), rebuilt, Progress.NONE);
            assertEquals(-1, Files.mismatch(rebuilt, spin));

            // exact byte ranges, across part and DATA boundaries
            byte[] whole = Files.readAllBytes(spin);
            Random rnd = new Random(7);
            for (int i = 0; i < 12; i++) {
                long first = (long) (rnd.nextDouble() * whole.length);
                long last = Math.min(whole.length - 1, first + rnd.nextInt(400_000));
                Path piece = out.resolve("range-" + i);
                MakeImage.range(in, PartSources.none(), new ByteRange(first, last), piece, Progress.NONE);
                assertArrayEquals(Arrays.copyOfRange(whole, (int) first, (int) last + 1), Files.readAllBytes(piece),
                        "bytes " + first + "-" + last);
            }
        }
        // jigdo-file reads the template: it verifies the spin against it and lists its entries
        TestImages.run(out, "jigdo-file", "verify", "--image=" + spin, "--template=" + template);
        String listing = TestImages.run(out, "jigdo-file", "list-template", "--template=" + template);
        assertEquals(r.parts(), listing.lines().filter(l -> l.startsWith("need-file")).count(), listing);
    }

    @Test
    void aMovedBaseIsGivenWithSourceAndADamagedOneIsCaught() throws Exception {
        Path base = squashfs(baseTree, "base", "gzip");
        Path spin = squashfs(spinTree, "spin", "gzip");
        Path out = Files.createDirectories(dir.resolve("moved"));
        Path jigdo = out.resolve("spin.jigdo");
        Path template = out.resolve("spin.template");
        MakeTemplate.Options o = new MakeTemplate.Options(List.of(), Map.of(BaseTemplate.LABEL, List.of("file:/nonexistent/")),
                1024, List.of(), ChecksumList.empty(), TemplateOptions.of(ChecksumKind.SHA256), true, Optional.empty(),
                Optional.empty(), 2);
        BaseTemplate.make(spin, base, jigdo, template, o, Progress.NONE);
        Path moved = Files.createDirectories(out.resolve("elsewhere")).resolve(base.getFileName());
        Files.copy(base, moved);
        try (RebuildInput in = RebuildInput.open(jigdo, Optional.empty())) {
            assertThrows(org.spindelta.jigdo.rebuild.MissingPartsException.class,
                    () -> MakeImage.image(in, PartSources.none(), out.resolve("x.sqfs"), Progress.NONE));
            Path rebuilt = out.resolve("rebuilt.sqfs");
            MakeImage.image(in, PartSources.parse(List.of(moved.toString())), rebuilt, Progress.NONE);
            assertEquals(-1, Files.mismatch(rebuilt, spin));

            // one flipped byte inside the first part's range of the base: the part's checksum catches it
            RangeLocation first = RangeLocation.parse(in.jigdo().orElseThrow().parts().values().iterator().next().get(0))
                    .orElseThrow();
            try (RandomAccessFile f = new RandomAccessFile(moved.toFile(), "rw")) {
                f.seek(first.first() + first.length() / 2);
                int b = f.read();
                f.seek(first.first() + first.length() / 2);
                f.write(b ^ 0x40);
            }
            Path bad = out.resolve("bad.sqfs");
            VerificationException e = assertThrows(VerificationException.class,
                    () -> MakeImage.image(in, PartSources.parse(List.of(moved.toString())), bad, Progress.NONE));
            assertTrue(e.getMessage().contains(moved.toString()), e.getMessage());
            assertFalse(Files.exists(bad), "nothing left at OUT");
        }
    }

    @Test
    void aSpinCarriedInAnIsoIsMadeOfTheBaseImagesChunks() throws Exception {
        Path base = squashfs(baseTree, "base", "xz");
        Path spin = squashfs(spinTree, "spin", "xz");
        Path out = Files.createDirectories(dir.resolve("carried"));
        Path live = Files.createDirectories(out.resolve("live-tree/live"));
        Files.copy(spin, live.resolve("filesystem.squashfs"));
        Path iso = out.resolve("spin.iso");
        TestImages.run(out, "xorriso", "-as", "mkisofs", "-R", "-V", "SPIN", "-o", iso.toString(),
                out.resolve("live-tree").toString());
        Path jigdo = out.resolve("spin.jigdo");
        BaseTemplate.Result r = BaseTemplate.make(iso, base, jigdo, out.resolve("spin.template"),
                options(ChecksumKind.MD5), Progress.NONE);
        assertTrue(r.baseBytes() > Files.size(spin) / 2, r.toString());
        try (RebuildInput in = RebuildInput.open(jigdo, Optional.empty())) {
            Path rebuilt = out.resolve("rebuilt.iso");
            MakeImage.image(in, PartSources.none(), rebuilt, Progress.NONE);
            assertEquals(-1, Files.mismatch(rebuilt, iso));
        }
    }

    @Test
    void anImageWithoutSquashfsIsRefusedInOneLine() throws Exception {
        Path base = squashfs(baseTree, "base", "gzip");
        Path out = Files.createDirectories(dir.resolve("refused"));
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
                () -> BaseTemplate.make(t.iso, base, out.resolve("x.jigdo"), out.resolve("x.template"),
                        options(ChecksumKind.MD5), Progress.NONE));
        assertTrue(e.getMessage().contains("holds no SquashFS image"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(0, s.count(), "nothing written");
        }
    }
}
