package org.spindelta.jigdo.iso;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.spindelta.core.FormatException;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.testing.PeerTools;

/**
 * The ISO reader against xorriso: images it writes from real files (Rock Ridge, Joliet, plain ISO
 * 9660), every regular file's extents equal to what {@code xorriso -find -exec report_lba} reports and
 * its bytes equal to the source file; damaged images fail with our exceptions only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IsoImageTest {
    private Path dir;
    private Path tree;

    @BeforeAll
    void build(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        tree = Files.createDirectories(dir.resolve("tree"));
        // real files: binaries and documentation of this system
        int n = 0;
        for (String from : List.of("/usr/bin", "/usr/share/doc")) {
            try (Stream<Path> s = Files.walk(Path.of(from), 2)) {
                for (Path p : (Iterable<Path>) s.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                        .sorted().limit(150)::iterator) {
                    Path to = tree.resolve(Path.of(from).getFileName().toString()).resolve(Path.of(from).relativize(p));
                    Files.createDirectories(to.getParent());
                    Files.copy(p, to);
                    n++;
                }
            }
        }
        assertTrue(n > 100, "copied " + n + " system files");
        // what trips readers: long and non-ASCII names, deep nesting, a big directory, empty files, links
        Path odd = Files.createDirectories(tree.resolve("odd"));
        Files.writeString(odd.resolve("n".repeat(230)), "a long Rock Ridge name continues over NM entries\n");
        Files.writeString(odd.resolve("caf\u00e9 \u00fcber.txt"), "UTF-8 name\n");
        Files.createFile(odd.resolve("empty"));
        Path deep = odd;
        for (int i = 0; i < 12; i++) {
            deep = Files.createDirectories(deep.resolve("level" + i));
        }
        Files.write(deep.resolve("bottom.bin"), random(70_000, 1));
        Path big = Files.createDirectories(odd.resolve("many"));
        for (int i = 0; i < 400; i++) {
            Files.write(big.resolve(String.format("file-with-a-longish-name-%04d.dat", i)), random(i * 37 % 5000, i));
        }
        Files.createSymbolicLink(odd.resolve("link"), Path.of("empty"));
        Files.createLink(odd.resolve("hardlink.bin"), deep.resolve("bottom.bin"));
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private Path iso(String name, String... options) throws Exception {
        Path iso = dir.resolve(name + ".iso");
        if (!Files.exists(iso)) {
            List<String> cmd = new ArrayList<>(List.of(PeerTools.require("xorriso", "xorriso").toString()));
            cmd.addAll(List.of(options));
            cmd.addAll(List.of("-outdev", iso.toString(), "-map", tree.toString(), "/"));
            run(cmd);
        }
        return iso;
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + "\n" + text);
        return text;
    }

    /** path -> [start block, size] per extent, as xorriso reports them. */
    private static Map<String, List<long[]>> reportLba(Path iso) throws Exception {
        String out = run(List.of("xorriso", "-indev", iso.toString(), "-find", "/", "-type", "f", "-exec", "report_lba",
                "--"));
        Pattern line = Pattern.compile("File data lba:\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*'(.*)'");
        Map<String, List<long[]>> m = new TreeMap<>();
        for (String l : out.split("\n")) {
            Matcher x = line.matcher(l);
            if (x.matches()) {
                m.computeIfAbsent(x.group(5), k -> new ArrayList<>()).add(new long[] {Long.parseLong(x.group(2)),
                    Long.parseLong(x.group(4))});
            }
        }
        return m;
    }

    private void sameAsXorriso(Path iso, boolean rockRidge) throws Exception {
        Map<String, List<long[]>> expected = reportLba(iso);
        List<IsoFile> files;
        try (FileChannel ch = FileChannel.open(iso)) {
            files = IsoImage.read(ch).files();
            Map<String, List<long[]>> ours = new TreeMap<>();
            for (IsoFile f : files) {
                List<long[]> l = ours.computeIfAbsent(f.path(), k -> new ArrayList<>());
                f.extents().forEach(e -> l.add(new long[] {e.offset() / 2048, e.length()}));
                if (f.extents().isEmpty()) {
                    l.add(null);
                }
                assertEquals(f.size(), f.extents().stream().mapToLong(Extent::length).sum(), f.path());
                if (rockRidge) {
                    // the bytes at the extents are the source file's
                    Path src = tree.resolve(f.path().substring(1));
                    assertArrayEquals(sha(Files.readAllBytes(src)), sha(read(ch, f)), f.path());
                }
            }
            assertEquals(expected.keySet(), ours.keySet(), "the same regular files");
            for (String p : expected.keySet()) {
                List<long[]> e = expected.get(p);
                List<long[]> o = ours.get(p);
                if (e.size() == 1 && e.get(0)[1] == 0) {
                    assertEquals(1, o.size(), p);
                    assertEquals(null, o.get(0), p + " is empty");
                    continue;
                }
                assertEquals(e.size(), o.size(), p);
                for (int i = 0; i < e.size(); i++) {
                    assertArrayEquals(e.get(i), o.get(i), p + " extent " + i);
                }
            }
        }
    }

    private static byte[] read(FileChannel ch, IsoFile f) throws IOException {
        byte[] b = new byte[(int) f.size()];
        int at = 0;
        for (Extent e : f.extents()) {
            ByteBuffer buf = ByteBuffer.wrap(b, at, (int) e.length());
            for (long p = e.offset(); buf.hasRemaining(); ) {
                p += ch.read(buf, p);
            }
            at += (int) e.length();
        }
        return b;
    }

    private static byte[] sha(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    @Test
    void rockRidgeImageMatchesXorrisoFileForFile() throws Exception {
        sameAsXorriso(iso("rr"), true);
    }

    @Test
    void jolietAndMkisofsStyleImagesToo() throws Exception {
        Path iso = dir.resolve("mkisofs.iso");
        run(List.of("xorriso", "-as", "mkisofs", "-R", "-J", "-o", iso.toString(), tree.toString()));
        sameAsXorriso(iso, true);
    }

    @Test
    void plainIso9660NamesWithoutRockRidge() throws Exception {
        // no Rock Ridge: the ISO names (uppercase, mangled) are the paths; extents still agree with xorriso's
        sameAsXorriso(iso("plain", "-rockridge", "off", "-joliet", "off"), false);
    }

    @Test
    void notAnIsoIsAFormatError() throws Exception {
        Path f = dir.resolve("not.iso");
        Files.write(f, random(40_000, 3));
        try (FileChannel ch = FileChannel.open(f)) {
            FormatException e = assertThrows(FormatException.class, () -> IsoImage.read(ch));
            assertTrue(e.getMessage().contains("not an ISO 9660 image"), e.getMessage());
        }
    }

    @Test
    void truncatedAndMutatedImagesFailWithOurExceptionsOnly() throws Exception {
        byte[] good = Files.readAllBytes(iso("rr"));
        int dirArea;
        try (FileChannel ch = FileChannel.open(iso("rr"))) {
            // the directory records lie between the descriptors and the first file's data
            dirArea = (int) IsoImage.read(ch).files().stream().flatMap(f -> f.extents().stream())
                    .mapToLong(Extent::offset).min().orElseThrow();
        }
        Path f = dir.resolve("bad.iso");
        SplittableRandom r = new SplittableRandom(42);
        int failures = 0;
        for (int i = 0; i < 400; i++) {
            byte[] b;
            if (i < 40) {
                b = java.util.Arrays.copyOf(good, 16 * 2048 + r.nextInt(dirArea - 16 * 2048)); // truncated
            } else {
                b = good.clone();
                for (int k = 0; k < 1 + r.nextInt(8); k++) {
                    int at = 16 * 2048 + r.nextInt(dirArea - 16 * 2048);
                    b[at] = (byte) (r.nextInt(3) == 0 ? 0xFF : r.nextInt(256));
                }
            }
            Files.write(f, b);
            try (FileChannel ch = FileChannel.open(f)) {
                IsoImage.read(ch);
            } catch (SpindeltaException e) {
                failures++;
                assertTrue(!e.getMessage().isBlank() && !e.getMessage().contains("\n"), e.getMessage());
            } catch (IOException e) {
                fail("a plain IOException for mutation " + i + ": " + e);
            }
        }
        assertTrue(failures >= 40, "every truncated image fails, and some mutated ones: " + failures);
    }

    @Test
    void aDirectoryLoopIsRefused() throws Exception {
        byte[] b = Files.readAllBytes(iso("rr"));
        // point the first subdirectory record of the root at the root's own extent
        int rootExtent = (int) (le32(b, 16 * 2048 + 156 + 2) * 2048L);
        int p = rootExtent;
        int records = 0;
        while (true) {
            int len = b[p] & 0xFF;
            if (records >= 2 && (b[p + 25] & 0x02) != 0) {
                System.arraycopy(b, 16 * 2048 + 156 + 2, b, p + 2, 8); // both-endian extent location
                break;
            }
            records++;
            p += len;
        }
        Path f = dir.resolve("loop.iso");
        Files.write(f, b);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            SpindeltaException e = assertThrows(SpindeltaException.class, () -> IsoImage.read(ch));
            assertTrue(e.getMessage().contains("loop"), e.getMessage());
        }
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }
}
