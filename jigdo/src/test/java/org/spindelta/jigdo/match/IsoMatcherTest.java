package org.spindelta.jigdo.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.testing.PeerTools;
import org.spindelta.jigdo.iso.IsoFile;
import org.spindelta.jigdo.iso.IsoImage;

/**
 * Candidates, checksum lists and the ISO matcher on an xorriso image of real files: every file of at
 * least the minimum size finds its own source as first candidate and the bytes agree; checksum lists
 * written by md5sum, sha256sum and in JTE's layout read back to the digests of the files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IsoMatcherTest {
    private Path dir;
    private Path tree;
    private Path iso;

    @BeforeAll
    void build(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        tree = Files.createDirectories(dir.resolve("tree"));
        try (Stream<Path> s = Files.walk(Path.of("/usr/share/doc"), 2)) {
            for (Path p : (Iterable<Path>) s.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).sorted()
                    .limit(200)::iterator) {
                Path to = tree.resolve("doc").resolve(Path.of("/usr/share/doc").relativize(p));
                Files.createDirectories(to.getParent());
                Files.copy(p, to);
            }
        }
        Path own = Files.createDirectories(tree.resolve("own"));
        byte[] same = random(5000, 1);
        Files.write(own.resolve("twin-a.bin"), same);
        Files.write(own.resolve("twin-b.bin"), same);
        Files.write(own.resolve("tiny.bin"), random(1023, 2));
        Files.write(own.resolve("excluded.skip"), random(7777, 3));
        Files.writeString(own.resolve("name with spaces.txt"), "x".repeat(3000));
        iso = dir.resolve("t.iso");
        Process p = new ProcessBuilder(PeerTools.require("xorriso", "xorriso").toString(), "-outdev", iso.toString(),
                "-map", tree.toString(), "/").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void everyFileFindsItsSourceFirstAndTheBytesAgree() throws Exception {
        CandidateIndex c = CandidateIndex.scan(List.of(LabelDirectory.parse("Tree=" + tree)),
                CandidateIndex.DEFAULT_MIN_SIZE, List.of("**.skip"));
        try (FileChannel ch = FileChannel.open(iso)) {
            List<IsoFile> files = IsoImage.read(ch).files();
            List<MatchRegion> regions = IsoMatcher.regions(files, c, CandidateIndex.DEFAULT_MIN_SIZE);
            Set<String> expected = new TreeSet<>();
            for (IsoFile f : files) {
                if (f.size() >= 1024 && !f.path().endsWith(".skip")) {
                    expected.add(f.path());
                }
            }
            // twins share nothing in the image unless xorriso stored them once; count distinct data
            Set<String> got = regions.stream().map(MatchRegion::imagePath).collect(Collectors.toCollection(TreeSet::new));
            assertTrue(expected.containsAll(got), "no region for a small or excluded file");
            for (String e : expected) {
                assertTrue(got.contains(e) || e.contains("twin"), "region for " + e);
            }
            long end = 0;
            for (MatchRegion r : regions) {
                assertTrue(r.offset() >= end, "in order, not overlapping");
                end = r.end();
                Candidate first = r.candidates().get(0);
                assertEquals(r.imagePath(), "/" + first.relativePath(), "the same path is the first candidate");
                assertEquals("Tree:" + first.relativePath(), first.location());
                byte[] image = new byte[(int) r.length()];
                ch.read(ByteBuffer.wrap(image), r.offset());
                assertArrayEquals(Files.readAllBytes(first.file()), image, r.imagePath());
            }
            MatchRegion twin = regions.stream().filter(r -> r.imagePath().contains("twin")).findFirst().orElseThrow();
            assertEquals(2, twin.candidates().size(), "both twins are candidates of the same size");
        }
        assertTrue(c.ofSize(1023).isEmpty(), "below the minimum size");
        assertTrue(c.ofSize(7777).isEmpty(), "excluded");
    }

    @Test
    void checksumListsOfMd5sumSha256sumAndJteReadBack() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(tree.resolve("own"))) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        Path weird = tree.resolve("own").resolve("back\\slash");
        Files.writeString(weird, "a name md5sum escapes\n");
        List<Path> all = new ArrayList<>(files);
        all.add(weird);
        List<String> args = new ArrayList<>();
        all.forEach(f -> args.add(f.toString()));
        Path md5 = dir.resolve("md5.list");
        Path sha = dir.resolve("sha256.list");
        Files.writeString(md5, run("md5sum", args));
        Files.writeString(sha, run("sha256sum", args));
        Path jte = dir.resolve("jte.list");
        StringBuilder j = new StringBuilder();
        for (Path f : files) {
            j.append(String.format("%s  %12d  %s%n", hex(digest("MD5", f)), Files.size(f), f));
        }
        Files.writeString(jte, j.toString());

        for (Path list : List.of(md5, sha, jte)) {
            ChecksumList l = ChecksumList.read(List.of(list));
            boolean sha256 = list == sha;
            for (Path f : list == jte ? files : all) {
                ChecksumList.Entry e = l.find(f, Files.size(f));
                assertNotNull(e, list + " lists " + f);
                assertEquals(sha256, e.sha256());
                assertArrayEquals(digest(sha256 ? "SHA-256" : "MD5", f), e.digest(), f.toString());
            }
        }
        ChecksumList l = ChecksumList.read(List.of(jte));
        assertNull(l.find(files.get(0), Files.size(files.get(0)) + 1), "a JTE entry of another size does not count");
        Path bad = dir.resolve("bad.list");
        Files.writeString(bad, "not a checksum line\n");
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> ChecksumList.read(List.of(bad)));
        assertTrue(e.getMessage().contains("line 1") && !e.getMessage().contains("\n"), e.getMessage());
        assertFalse(ChecksumList.empty().size() > 0);
    }

    private static String run(String tool, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(tool));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        return out;
    }

    private static byte[] digest(String alg, Path f) throws Exception {
        return MessageDigest.getInstance(alg).digest(Files.readAllBytes(f));
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
