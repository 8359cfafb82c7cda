package org.spindelta.jigdo.make;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.spindelta.core.Progress;
import org.spindelta.jigdo.TestImages;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.match.CandidateIndex;
import org.spindelta.jigdo.match.ChecksumList;
import org.spindelta.jigdo.match.LabelDirectory;
import org.spindelta.jigdo.rebuild.MakeImage;
import org.spindelta.jigdo.rebuild.PartSources;
import org.spindelta.jigdo.rebuild.RebuildInput;
import org.spindelta.jigdo.template.TemplateOptions;

/**
 * make-template on an xorriso ISO of real files, checked by the real tools: jigdo-file make-image and
 * verify and jigit-mkimage rebuild the ISO byte for byte from our .jigdo and .template, as does our
 * make-image; every file of at least 1 KiB is matched, so the template is no larger than what
 * {@code jigdo-file make-template --no-greedy-matching} makes of the same ISO and tree.
 */
class MakeTemplateTest {

    private static MakeTemplate.Options options(TestImages t, ChecksumKind kind, ChecksumList list) {
        return new MakeTemplate.Options(List.of(LabelDirectory.parse("Tree=" + t.tree)), Map.of(),
                CandidateIndex.DEFAULT_MIN_SIZE, List.of(), list, TemplateOptions.of(kind), false,
                Optional.of("a test image"), Optional.empty(), 2);
    }

    @ParameterizedTest
    @EnumSource(ChecksumKind.class)
    void jigdoFileAndJigitRebuildTheIsoFromOurTemplate(ChecksumKind kind) throws Exception {
        TestImages t = TestImages.get();
        Path dir = Files.createDirectories(t.dir.resolve("make-template-" + kind.label()));
        Path jigdo = dir.resolve("t.jigdo");
        Path template = dir.resolve("t.template");
        MakeTemplate.Result r = MakeTemplate.make(t.iso, jigdo, template, options(t, kind, ChecksumList.empty()),
                Progress.NONE);
        long bigFiles = t.files().stream().filter(f -> f.toFile().length() >= 1024).count();
        assertTrue(r.matched() >= bigFiles - 1, r + " of " + bigFiles + " (the duplicate may share its twin's data)");
        assertEquals(0, r.changed());

        Path byJigdoFile = dir.resolve("jigdo-file.iso");
        TestImages.run(dir, "jigdo-file", "make-image", "-r", "quiet", "--image=" + byJigdoFile, "--jigdo=" + jigdo,
                "--template=" + template, t.tree.toAbsolutePath() + "//");
        assertEquals(-1, Files.mismatch(byJigdoFile, t.iso), "jigdo-file make-image");
        assertTrue(TestImages.run(dir, "jigdo-file", "verify", "--image=" + byJigdoFile, "--template=" + template)
                .contains("OK: "));
        Path byJigit = dir.resolve("jigit.iso");
        TestImages.run(dir, "jigit-mkimage", "-j", jigdo.toString(), "-t", template.toString(), "-m",
                "Tree=" + t.tree.toAbsolutePath() + "/", "-o", byJigit.toString());
        assertEquals(-1, Files.mismatch(byJigit, t.iso), "jigit-mkimage");
        Path byUs = dir.resolve("ours.iso");
        try (RebuildInput in = RebuildInput.open(jigdo, Optional.empty())) {
            MakeImage.image(in, PartSources.none(), byUs, Progress.NONE);
        }
        assertEquals(-1, Files.mismatch(byUs, t.iso), "our make-image through [Servers]");

        // jigdo-file's own template of the same ISO, without greedy matching (its smallest)
        Path theirs = dir.resolve("jigdo-file.template");
        TestImages.run(dir, "jigdo-file", "make-template", "--no-greedy-matching", "-r", "quiet",
                "--checksum-algorithm=" + kind.label(), "--image=" + t.iso, "--jigdo=" + dir.resolve("jigdo-file.jigdo"),
                "--template=" + theirs, "--label", "Tree=" + t.tree.toAbsolutePath(), t.tree.toAbsolutePath() + "//");
        assertTrue(Files.size(template) <= Files.size(theirs), "ours " + Files.size(template) + " bytes, jigdo-file's "
                + Files.size(theirs));
    }

    /** A copy of the test tree in {@code name} where one file of a unique size has one byte flipped. */
    private record ChangedTree(Path dir, Path tree, Path changed, byte[] bytes) {}

    private static ChangedTree changedTree(TestImages t, String name) throws Exception {
        Path dir = Files.createDirectories(t.dir.resolve(name));
        // a copy of the tree with one file's bytes changed (same size): its region matches no candidate
        Path tree = dir.resolve("tree");
        for (Path f : t.files()) {
            Path to = tree.resolve(t.tree.relativize(f));
            Files.createDirectories(to.getParent());
            Files.copy(f, to);
        }
        // a file of a size no other has (the tree's duplicate would otherwise still match its region)
        Map<Long, Long> sizes = t.files().stream().collect(java.util.stream.Collectors.groupingBy(f -> f.toFile().length(),
                java.util.stream.Collectors.counting()));
        Path victim = t.files().stream().filter(f -> f.toFile().length() > 5000 && sizes.get(f.toFile().length()) == 1)
                .findFirst().orElseThrow();
        Path changed = tree.resolve(t.tree.relativize(victim));
        byte[] b = Files.readAllBytes(changed);
        b[b.length / 2] ^= 1;
        Files.write(changed, b);
        return new ChangedTree(dir, tree, changed, b);
    }

    @Test
    void aChangedCandidateIsFoundByComparingItsBytesWithTheImage() throws Exception {
        TestImages t = TestImages.get();
        ChangedTree c = changedTree(t, "make-template-compared");
        MakeTemplate.Options o = new MakeTemplate.Options(List.of(LabelDirectory.parse("Tree=" + c.tree())), Map.of(),
                1024, List.of(), ChecksumList.empty(), TemplateOptions.of(ChecksumKind.MD5), false,
                Optional.empty(), Optional.empty(), 2);
        Path jigdo = c.dir().resolve("t.jigdo");
        Path template = c.dir().resolve("t.template");
        MakeTemplate.Result r = MakeTemplate.make(t.iso, jigdo, template, o, Progress.NONE);
        assertEquals(1, r.changed(), r.toString());
        assertTrue(r.summary().unmatchedBytes() >= c.bytes().length, "the changed file's bytes are in the template");
        String relative = c.tree().relativize(c.changed()).toString();
        assertFalse(Files.readString(jigdo).contains("Tree:" + relative), "the changed file is not a part");
        Path rebuilt = c.dir().resolve("rebuilt.iso");
        TestImages.run(c.dir(), "jigdo-file", "make-image", "-r", "quiet", "--image=" + rebuilt, "--jigdo=" + jigdo,
                "--template=" + template, c.tree().toAbsolutePath() + "//");
        assertEquals(-1, Files.mismatch(rebuilt, t.iso));
    }

    @Test
    void aCandidateChangedSinceTheImageStaysInTheTemplate() throws Exception {
        TestImages t = TestImages.get();
        ChangedTree c = changedTree(t, "make-template-changed");
        Path dir = c.dir();
        Path tree = c.tree();
        Path changed = c.changed();
        byte[] b = c.bytes();
        // and a checksum list: the candidates it lists are not read
        Path list = t.checksumList(ChecksumKind.MD5);
        String relisted = Files.readString(list).replace(t.tree.toAbsolutePath().toString(), tree.toAbsolutePath().toString());
        Path copyList = dir.resolve("md5.list");
        Files.writeString(copyList, relisted);
        MakeTemplate.Options o = new MakeTemplate.Options(List.of(LabelDirectory.parse("Tree=" + tree)), Map.of(),
                1024, List.of(), ChecksumList.read(List.of(copyList)), TemplateOptions.of(ChecksumKind.MD5), true,
                Optional.empty(), Optional.empty(), 2);
        Path jigdo = dir.resolve("t.jigdo");
        Path template = dir.resolve("t.template");
        // the list still has the changed file's old checksum: a list is trusted, so the file is claimed to match;
        // with the list rewritten for the new bytes it is not
        String fixed = relisted.replaceAll("(?m)^[0-9a-f]{32}(  +\\d+  " + java.util.regex.Pattern.quote(changed.toString()) + ")$",
                java.util.HexFormat.of().formatHex(ChecksumKind.MD5.newDigest().digest(b)) + "$1");
        org.junit.jupiter.api.Assertions.assertNotEquals(relisted, fixed, "the changed file's line was rewritten");
        Files.writeString(copyList, fixed);
        o = new MakeTemplate.Options(o.labels(), o.servers(), o.minSize(), o.excludes(), ChecksumList.read(List.of(copyList)),
                o.template(), true, o.shortInfo(), o.info(), 2);
        MakeTemplate.Result r = MakeTemplate.make(t.iso, jigdo, template, o, Progress.NONE);
        assertEquals(1, r.changed(), r.toString());
        assertTrue(r.summary().unmatchedBytes() >= b.length, "the changed file's bytes are in the template");
        byte[] gz = Files.readAllBytes(jigdo);
        assertEquals(0x1f, gz[0] & 0xFF, "gzip .jigdo");
        Path rebuilt = dir.resolve("rebuilt.iso");
        TestImages.run(dir, "jigdo-file", "make-image", "-r", "quiet", "--image=" + rebuilt, "--jigdo=" + jigdo,
                "--template=" + template, tree.toAbsolutePath() + "//");
        assertEquals(-1, Files.mismatch(rebuilt, t.iso));
        try (var s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().contains(".tmp")), "no temporary file left");
        }
    }
}
