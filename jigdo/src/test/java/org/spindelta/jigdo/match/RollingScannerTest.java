package org.spindelta.jigdo.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spindelta.core.Progress;

/**
 * The rolling scan against brute force: every (offset, size) where some candidate's bytes lie in the image
 * is found, and nothing else, whatever the range length (ranges shorter than the block, ending inside
 * files and inside runs of zeros) and thread count; candidates starting with long runs of one byte are
 * found where the image's run is longer than theirs; a file of one byte throughout is never matched.
 */
class RollingScannerTest {
    @TempDir
    Path dir;

    private final Random random = new Random(42);

    private byte[] random(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] run(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private List<byte[]> contents;
    private byte[] image;

    private List<Candidate> candidates() throws Exception {
        byte[] a = random(5000);
        byte[] text = "a line of text that repeats; ".repeat(200).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        contents = List.of(
                a,
                Arrays.copyOf(a, 3001), // a prefix of a: same head, other size
                a.clone(), // a twin: one part
                concat(run(2048, 0), random(100)), // a head of zeros
                concat(run(1500, 0), random(700)), // a shorter run of zeros
                run(4096, 0), // zeros throughout: never matched
                concat(run(1100, 0xFF), random(400)),
                text, // periodic
                random(100)); // below the minimum size
        image = concat(random(777), a, random(3), run(5000, 0), contents.get(3), contents.get(1), a, run(3000, 0),
                contents.get(6), random(1), text, text, run(1500, 0), contents.get(4), random(2),
                Arrays.copyOf(a, 4000), run(1024, 0), contents.get(3));
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < contents.size(); i++) {
            Path f = dir.resolve("c" + i);
            Files.write(f, contents.get(i));
            out.add(new Candidate("T", "c" + i, f, contents.get(i).length));
        }
        return out;
    }

    /** "offset+size" of every place some matchable candidate's bytes lie in the image. */
    private TreeSet<String> bruteForce(HeadIndex index) {
        TreeSet<String> expected = new TreeSet<>();
        for (byte[] c : contents) {
            boolean oneByte = true;
            for (byte x : c) {
                oneByte &= x == c[0];
            }
            if (c.length < 1024 || oneByte) {
                continue;
            }
            for (int o = 0; o + c.length <= image.length; o++) {
                if (Arrays.mismatch(image, o, o + c.length, c, 0, c.length) < 0) {
                    expected.add(o + "+" + c.length);
                }
            }
        }
        return expected;
    }

    @ParameterizedTest
    @CsvSource({"33554432, 1", "4097, 3", "1000, 2", "7, 2", "2049, 1"})
    void findsWhatBruteForceFinds(int rangeLength, int threads) throws Exception {
        List<Candidate> cands = candidates();
        Path img = dir.resolve("image");
        Files.write(img, image);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (FileChannel ch = FileChannel.open(img)) {
            HeadIndex index = HeadIndex.build(cands, List.of("T"), 1024, ChecksumList.empty(), pool);
            assertEquals(7, index.size(), "all but the one-byte file and the small one");
            RollingScanner.Scan scan = RollingScanner.scan(ch, index, pool, rangeLength, Progress.NONE);
            TreeSet<String> found = new TreeSet<>();
            for (RollingScanner.Match m : scan.matches()) {
                assertTrue(found.add(m.offset() + "+" + m.length()), "reported once: " + m);
                byte[] c = Files.readAllBytes(m.head().candidate().file());
                assertEquals(-1, Arrays.mismatch(image, (int) m.offset(), (int) m.end(), c, 0, c.length), m.toString());
            }
            assertEquals(bruteForce(index), found);
            // the twin of a is never reported: a comes first in path order
            assertTrue(scan.matches().stream().noneMatch(m -> m.head().candidate().relativePath().equals("c2")));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void checksumListsVerifyByTheImageDigest() throws Exception {
        List<Candidate> cands = candidates();
        Path img = dir.resolve("image");
        Files.write(img, image);
        // a list claiming c0 holds other bytes: trusted, so c0 is not matched though its file would match
        byte[] wrong = org.spindelta.jigdo.format.ChecksumKind.MD5.newDigest().digest(random(10));
        byte[] right = org.spindelta.jigdo.format.ChecksumKind.SHA256.newDigest().digest(contents.get(3));
        Path list = dir.resolve("list");
        Files.writeString(list, java.util.HexFormat.of().formatHex(wrong) + "  " + cands.get(0).file() + "\n"
                + java.util.HexFormat.of().formatHex(right) + "  " + cands.get(3).file() + "\n");
        // and c3's file changed after the list was made (same head): the list still says where it is
        byte[] c3 = contents.get(3).clone();
        c3[c3.length - 1] ^= 1;
        Files.write(cands.get(3).file(), c3);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (FileChannel ch = FileChannel.open(img)) {
            HeadIndex index = HeadIndex.build(cands, List.of("T"), 1024, ChecksumList.read(List.of(list)), pool);
            RollingScanner.Scan scan = RollingScanner.scan(ch, index, pool, 5000, Progress.NONE);
            List<String> where = scan.matches().stream()
                    .map(m -> m.head().candidate().relativePath() + "@" + m.offset()).toList();
            assertTrue(where.stream().noneMatch(s -> s.startsWith("c0@")), where.toString());
            assertTrue(where.stream().anyMatch(s -> s.startsWith("c2@")), "c0's twin, read, matches: " + where);
            assertEquals(2, where.stream().filter(s -> s.startsWith("c3@")).count(), where.toString());
        } finally {
            pool.shutdownNow();
        }
    }
}
