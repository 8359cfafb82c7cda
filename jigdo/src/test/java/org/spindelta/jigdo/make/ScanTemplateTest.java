package org.spindelta.jigdo.make;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spindelta.core.Progress;
import org.spindelta.jigdo.TestImages;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.format.DescEntry;
import org.spindelta.jigdo.format.Template;
import org.spindelta.jigdo.format.TemplateReader;
import org.spindelta.jigdo.match.ChecksumList;
import org.spindelta.jigdo.match.LabelDirectory;
import org.spindelta.jigdo.match.RollingScanner;
import org.spindelta.jigdo.rebuild.MakeImage;
import org.spindelta.jigdo.rebuild.PartSources;
import org.spindelta.jigdo.rebuild.RebuildInput;
import org.spindelta.jigdo.template.TemplateOptions;

/**
 * make-template by rolling scan, on images that are not ISO 9660, made of the real files of
 * {@link TestImages}: a tar archive (files at 512-byte boundaries) and a concatenation at odd offsets with
 * random bytes between, some files twice. The real jigdo-file rebuilds and verifies them from our .jigdo
 * and .template, as does our make-image; our templates are no larger than jigdo-file's
 * {@code --no-greedy-matching} ones; a large file containing two small candidates is matched whole where
 * jigdo-file's default greedy matching takes the small ones; the options are honoured; and the output does
 * not depend on the thread count.
 */
class ScanTemplateTest {
    @TempDir
    Path dir;

    private static MakeTemplate.Options options(Path tree, ChecksumKind kind, long minSize, List<String> excludes,
            ChecksumList list, int threads) {
        return new MakeTemplate.Options(List.of(LabelDirectory.parse("Tree=" + tree)), Map.of(), minSize, excludes, list,
                TemplateOptions.of(kind), false, Optional.empty(), Optional.empty(), threads);
    }

    private static MakeTemplate.Options options(Path tree) {
        return options(tree, ChecksumKind.MD5, 1024, List.of(), ChecksumList.empty(), 2);
    }

    private static Template read(Path template) throws Exception {
        try (FileChannel ch = FileChannel.open(template)) {
            return TemplateReader.read(ch);
        }
    }

    private static List<DescEntry> matched(Path template) throws Exception {
        return read(template).entries().stream().filter(e -> e.type().isMatched()).toList();
    }

    /** jigdo-file and our make-image rebuild {@code image} from the template; jigdo-file verify agrees. */
    private static void rebuiltByBoth(Path dir, Path image, Path jigdo, Path template, Path tree) throws Exception {
        Path byJigdoFile = dir.resolve("jigdo-file.out");
        Files.deleteIfExists(byJigdoFile);
        TestImages.run(dir, "jigdo-file", "make-image", "-r", "quiet", "--image=" + byJigdoFile, "--jigdo=" + jigdo,
                "--template=" + template, tree.toAbsolutePath() + "//");
        assertEquals(-1, Files.mismatch(byJigdoFile, image), "jigdo-file make-image");
        assertTrue(TestImages.run(dir, "jigdo-file", "verify", "--image=" + byJigdoFile, "--template=" + template)
                .contains("OK: "));
        Path byUs = dir.resolve("ours.out");
        try (RebuildInput in = RebuildInput.open(jigdo, Optional.empty())) {
            MakeImage.image(in, PartSources.none(), byUs, Progress.NONE);
        }
        assertEquals(-1, Files.mismatch(byUs, image), "our make-image through [Servers]");
    }

    /** jigdo-file's template of the same image and tree, greedy or not; its size. */
    private static Path jigdoFileTemplate(Path dir, Path image, Path tree, ChecksumKind kind, boolean greedy)
            throws Exception {
        Path theirs = dir.resolve("jigdo-file-" + (greedy ? "greedy" : "no-greedy") + ".template");
        TestImages.run(dir, "jigdo-file", "make-template", greedy ? "--greedy-matching" : "--no-greedy-matching",
                "-r", "quiet", "--checksum-algorithm=" + kind.label(), "--image=" + image,
                "--jigdo=" + dir.resolve("jigdo-file.jigdo"), "--template=" + theirs, "--label",
                "Tree=" + tree.toAbsolutePath(), tree.toAbsolutePath() + "//");
        return theirs;
    }

    @Test
    void aTarArchiveOfRealFiles() throws Exception {
        TestImages t = TestImages.get();
        Path tar = dir.resolve("tree.tar");
        TestImages.run(dir, "tar", "cf", tar.toString(), "-C", t.tree.toString(), ".");
        Path jigdo = dir.resolve("t.jigdo");
        Path template = dir.resolve("t.template");
        // not ISO 9660: MakeTemplate scans it
        MakeTemplate.Result r = MakeTemplate.make(tar, jigdo, template, options(t.tree), Progress.NONE);
        assertEquals(-1, r.files(), r.toString());
        List<DescEntry> m = matched(template);
        long bigFiles = t.files().stream().filter(f -> f.toFile().length() >= 1024).count();
        assertEquals(bigFiles, m.size(), "every file of at least 1 KiB, the duplicate too");
        assertTrue(m.stream().allMatch(e -> e.imageOffset() % 512 == 0), "tar puts files at 512-byte boundaries");
        rebuiltByBoth(dir, tar, jigdo, template, t.tree);
        Path theirs = jigdoFileTemplate(dir, tar, t.tree, ChecksumKind.MD5, false);
        assertTrue(Files.size(template) <= Files.size(theirs),
                "ours " + Files.size(template) + " bytes, jigdo-file --no-greedy-matching " + Files.size(theirs));
    }

    @Test
    void aConcatenationAtOddOffsetsWithJunkBetween() throws Exception {
        TestImages t = TestImages.get();
        Random random = new Random(5);
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        List<Path> files = t.files();
        int repeated = 0;
        for (int i = 0; i < files.size(); i++) {
            byte[] junk = new byte[random.nextInt(1500) | 1];
            random.nextBytes(junk);
            image.writeBytes(junk);
            image.writeBytes(Files.readAllBytes(files.get(i)));
            if (i % 17 == 3 && Files.size(files.get(i)) >= 1024) {
                image.writeBytes(Files.readAllBytes(files.get(i))); // twice in a row
                repeated++;
            }
        }
        image.writeBytes(new byte[5000]); // zeros at the end
        Path img = Files.write(dir.resolve("concat.img"), image.toByteArray());
        Path jigdo = dir.resolve("c.jigdo");
        Path template = dir.resolve("c.template");
        ScanTemplate.Result r = ScanTemplate.make(img, jigdo, template, options(t.tree, ChecksumKind.SHA256, 1024,
                List.of(), ChecksumList.empty(), 2), Progress.NONE);
        long bigFiles = t.files().stream().filter(f -> f.toFile().length() >= 1024).count();
        assertEquals(bigFiles + repeated, r.matches(), r.toString());
        assertEquals(r.matches(), matched(template).size());
        assertTrue(matched(template).stream().anyMatch(e -> e.imageOffset() % 2 == 1), "odd offsets");
        rebuiltByBoth(dir, img, jigdo, template, t.tree);
        // one [Parts] line per distinct file, though some appear twice
        long partLines = Files.readAllLines(jigdo).stream().filter(l -> l.contains("=Tree:")).count();
        assertTrue(partLines < r.matches(), partLines + " lines for " + r.matches() + " matches");
        Path theirs = jigdoFileTemplate(dir, img, t.tree, ChecksumKind.SHA256, false);
        assertTrue(Files.size(template) <= Files.size(theirs),
                "ours " + Files.size(template) + " bytes, jigdo-file --no-greedy-matching " + Files.size(theirs));
    }

    @Test
    void aLargeFileIsNotLostToSmallFilesInsideIt() throws Exception {
        // the largest real file of the test tree (a shared library); two slices of it are candidates too
        Path lib = TestImages.get().files().stream().max(java.util.Comparator.comparingLong(f -> f.toFile().length()))
                .orElseThrow();
        byte[] big = Files.readAllBytes(lib);
        assertTrue(big.length > 100_000, lib + " " + big.length);
        int at1 = big.length / 30;
        int at2 = big.length / 2 + 1;
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.write(tree.resolve("big.bin"), big);
        Files.write(tree.resolve("small1.bin"), java.util.Arrays.copyOfRange(big, at1, at1 + 5000));
        Files.write(tree.resolve("small2.bin"), java.util.Arrays.copyOfRange(big, at2, at2 + 3001));
        byte[] junk = new byte[777];
        new Random(1).nextBytes(junk);
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        image.writeBytes(junk);
        image.writeBytes(big);
        image.writeBytes(junk);
        Path img = Files.write(dir.resolve("big.img"), image.toByteArray());
        Path jigdo = dir.resolve("b.jigdo");
        Path template = dir.resolve("b.template");
        ScanTemplate.Result r = ScanTemplate.make(img, jigdo, template, options(tree), Progress.NONE);
        assertEquals(3, r.found(), "the big file and both small ones were verified");
        List<DescEntry> m = matched(template);
        assertEquals(1, m.size(), m.toString());
        assertEquals(777, m.get(0).imageOffset());
        assertEquals(big.length, m.get(0).length());
        rebuiltByBoth(dir, img, jigdo, template, tree);
        // jigdo-file's default greedy matching takes the two small files and stores the big one's other bytes
        Path greedy = jigdoFileTemplate(dir, img, tree, ChecksumKind.MD5, true);
        List<Long> theirs = matched(greedy).stream().map(DescEntry::length).toList();
        assertEquals(List.of(5000L, 3001L), theirs);
        assertTrue(Files.size(template) * 10 < Files.size(greedy),
                "ours " + Files.size(template) + " bytes, jigdo-file's greedy " + Files.size(greedy));
    }

    @Test
    void minimumSizeExcludesAndChecksumListsAreHonoured() throws Exception {
        TestImages t = TestImages.get();
        Path tar = dir.resolve("tree.tar");
        TestImages.run(dir, "tar", "cf", tar.toString(), "-C", t.tree.toString(), ".");
        List<Path> files = t.files();
        // minimum size
        Path template = dir.resolve("min.template");
        ScanTemplate.make(tar, dir.resolve("min.jigdo"), template, options(t.tree, ChecksumKind.MD5, 20_000, List.of(),
                ChecksumList.empty(), 2), Progress.NONE);
        long over = files.stream().filter(f -> f.toFile().length() >= 20_000).count();
        List<DescEntry> m = matched(template);
        assertEquals(over, m.size());
        assertTrue(m.stream().allMatch(e -> e.length() >= 20_000), m.toString());
        // a minimum below the default: files from 100 bytes on
        Path low = dir.resolve("low.template");
        ScanTemplate.make(tar, dir.resolve("low.jigdo"), low, options(t.tree, ChecksumKind.MD5, 100, List.of(),
                ChecksumList.empty(), 2), Progress.NONE);
        long small = files.stream().filter(f -> f.toFile().length() >= 100 && f.toFile().length() < 1024).count();
        assertTrue(small > 0, "the tree has files between 100 bytes and 1 KiB");
        assertEquals(files.stream().filter(f -> f.toFile().length() >= 100).count(), matched(low).size());
        rebuiltByBoth(dir, tar, dir.resolve("low.jigdo"), low, t.tree);

        // excludes: a directory of the tree
        Path ex = dir.resolve("ex.template");
        ScanTemplate.Result r = ScanTemplate.make(tar, dir.resolve("ex.jigdo"), ex, options(t.tree, ChecksumKind.MD5,
                1024, List.of("d03/**"), ChecksumList.empty(), 2), Progress.NONE);
        long inD03 = files.stream().filter(f -> f.toFile().length() >= 1024 && t.tree.relativize(f).startsWith("d03"))
                .count();
        assertTrue(inD03 > 0);
        long all = files.stream().filter(f -> f.toFile().length() >= 1024).count();
        assertEquals(all - inD03, r.matches(), r.toString());
        assertTrue(Files.readAllLines(dir.resolve("ex.jigdo")).stream().noneMatch(l -> l.contains("Tree:d03/")));

        // a checksum list is trusted: a file it lists with other bytes' checksum is not matched, though its own
        // bytes are in the image; the files it lists rightly are matched by the image's digest
        Path list = t.checksumList(ChecksumKind.MD5);
        Path victim = files.stream().filter(f -> f.toFile().length() > 5000).findFirst().orElseThrow();
        String lines = Files.readString(list).replaceFirst("(?m)^[0-9a-f]{32}(  +\\d+  "
                + java.util.regex.Pattern.quote(victim.toAbsolutePath().toString()) + ")$",
                HexFormat.of().formatHex(new byte[16]) + "$1");
        Path wrong = Files.writeString(dir.resolve("wrong.list"), lines);
        Path lt = dir.resolve("list.template");
        ScanTemplate.Result lr = ScanTemplate.make(tar, dir.resolve("list.jigdo"), lt, options(t.tree, ChecksumKind.MD5,
                1024, List.of(), ChecksumList.read(List.of(wrong)), 2), Progress.NONE);
        String rel = t.tree.relativize(victim).toString();
        boolean twin = files.stream().anyMatch(f -> !f.equals(victim) && f.toFile().length() == victim.toFile().length()
                && java.util.Arrays.equals(readAll(f), readAll(victim)));
        assertEquals(all - (twin ? 0 : 1), lr.matches(), lr.toString());
        assertTrue(Files.readAllLines(dir.resolve("list.jigdo")).stream().noneMatch(l -> l.endsWith("=Tree:" + rel)));
        rebuiltByBoth(dir, tar, dir.resolve("list.jigdo"), lt, t.tree);
    }

    private static byte[] readAll(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theSameOutputWithOneThreadOrMany() throws Exception {
        TestImages t = TestImages.get();
        Path tar = dir.resolve("tree.tar");
        TestImages.run(dir, "tar", "cf", tar.toString(), "-C", t.tree.toString(), ".");
        byte[][] outputs = new byte[4][];
        int k = 0;
        for (int threads : new int[] {1, 3}) {
            // one range, or many small ones that end inside files
            int range = threads == 1 ? RollingScanner.DEFAULT_RANGE_LENGTH : 65_537;
            Path jigdo = dir.resolve("d" + threads + ".jigdo");
            Path template = dir.resolve("d" + threads + ".template");
            try (FileChannel ch = FileChannel.open(tar)) {
                ScanTemplate.make(ch, tar, jigdo, template, options(t.tree, ChecksumKind.MD5, 1024, List.of(),
                        ChecksumList.empty(), threads), range, Progress.NONE);
            }
            outputs[k++] = Files.readAllBytes(template);
            outputs[k++] = Files.readString(jigdo).replace("d" + threads + ".template", "X").getBytes();
        }
        assertTrue(java.util.Arrays.equals(outputs[0], outputs[2]), "templates identical");
        assertTrue(java.util.Arrays.equals(outputs[1], outputs[3]), ".jigdo files identical");
    }

    @Test
    void scanningAnIsoMatchesAsMuchAsItsDirectoryTree() throws Exception {
        TestImages t = TestImages.get();
        Path isoTemplate = dir.resolve("iso.template");
        MakeTemplate.Result byTree = MakeTemplate.make(t.iso, dir.resolve("iso.jigdo"), isoTemplate, options(t.tree),
                Progress.NONE);
        Path scanTemplate = dir.resolve("scan.template");
        ScanTemplate.Result byScan = ScanTemplate.make(t.iso, dir.resolve("scan.jigdo"), scanTemplate, options(t.tree),
                Progress.NONE);
        assertTrue(byScan.summary().unmatchedBytes() <= byTree.summary().unmatchedBytes(),
                String.format(Locale.ROOT, "scan keeps %d bytes, the tree %d", byScan.summary().unmatchedBytes(),
                        byTree.summary().unmatchedBytes()));
        rebuiltByBoth(dir, t.iso, dir.resolve("scan.jigdo"), scanTemplate, t.tree);
        Path theirs = jigdoFileTemplate(dir, t.iso, t.tree, ChecksumKind.MD5, false);
        assertTrue(Files.size(scanTemplate) <= Files.size(theirs),
                "ours " + Files.size(scanTemplate) + " bytes, jigdo-file --no-greedy-matching " + Files.size(theirs));
    }
}
