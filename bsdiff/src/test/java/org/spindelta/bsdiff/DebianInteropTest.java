package org.spindelta.bsdiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spindelta.bsdiff.apply.ApplyOptions;
import org.spindelta.bsdiff.apply.ApplyResult;
import org.spindelta.bsdiff.apply.BsPatch;
import org.spindelta.bsdiff.format.FormatConstants;
import org.spindelta.bsdiff.format.PatchFormat;
import org.spindelta.bsdiff.generate.BsDiff;
import org.spindelta.bsdiff.generate.DiffOptions;
import org.spindelta.bsdiff.generate.DiffSummary;
import org.spindelta.core.NonClosingOutputStream;
import org.spindelta.core.Progress;

/**
 * Interop with Debian's bsdiff 4.3 (package bsdiff 4.3-23) on real data, both directions, byte for
 * byte: Debian's {@code bspatch} applies our BSDIFF40 patches (whole and windowed), our
 * {@link BsPatch} applies Debian's BSDIFF40 patches and an ENDSLEY/BSDIFF43 re-encoding of them,
 * and our patches stay as small as Debian's.
 *
 * <p>The pairs are real: two releases of a native library (zstd-jni's {@code .so}), and SquashFS
 * images built here with {@code mksquashfs} from copies of real system directories, the second
 * with files added and modified. Images stay at a few MB because Debian's bsdiff needs ~17 bytes
 * of RAM and about a second of CPU per MB.
 *
 * <p>Note Debian's argument orders: {@code bsdiff OLD NEW PATCH}, {@code bspatch OLD NEW PATCH}.
 */
@Timeout(120)
class DebianInteropTest {
    static final String ZSTD_PATCH_RELEASE = "zstd-jni 1.5.6-7 to 1.5.6-8";
    static final String ZSTD_MINOR_RELEASE = "zstd-jni 1.5.5-11 to 1.5.6-8";
    static final String SQUASHFS_GZIP = "squashfs gzip";
    static final String SQUASHFS_XZ = "squashfs xz";

    /** Ours may be at most this factor of Debian's patch size ... */
    static final double SIZE_PARITY = 1.02;
    /**
     * ... plus the one fixed cost that does not grow with the inputs, so that near-empty patches
     * (pair 1: Debian's is 164 bytes) measure matching and not framing: our checksum trailer, 80 raw
     * bytes after the last control triple (FormatConstants.TRAILER_SIZE) whose two SHA-256 digests do
     * not compress, about 107 bytes once inside bzip2. Block framing is not allowed for: the parallel
     * bzip2 writer cuts blocks where bzip2 4.3 would.
     */
    static final long FIXED_ALLOWANCE = FormatConstants.TRAILER_SIZE + 32;

    /** Shared by all tests of the class: the pairs and Debian's patches are made once. */
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private static final Map<String, Path[]> PAIRS = new HashMap<>();
    private static final Map<String, Path> DEBIAN_PATCHES = new HashMap<>();

    // ------------------------------------------------------------------ ours applied by Debian bspatch

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ZSTD_PATCH_RELEASE, ZSTD_MINOR_RELEASE, SQUASHFS_GZIP, SQUASHFS_XZ})
    void debianBspatchAppliesOurPatch(String name) throws Exception {
        Path[] pair = pair(name);
        Path patch = dir.resolve("ours.bsdiff40");
        DiffSummary s = BsDiff.diff(pair[0], pair[1], patch, DiffOptions.defaults(), Progress.NONE);
        assertTrue(s.memoryPlan().whole(), "small pairs are diffed whole: " + s);
        assertDebianBspatchRebuilds(pair, patch);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ZSTD_PATCH_RELEASE, ZSTD_MINOR_RELEASE, SQUASHFS_GZIP, SQUASHFS_XZ})
    void debianBspatchAppliesOurWindowedPatch(String name) throws Exception {
        Path[] pair = pair(name);
        Path patch = dir.resolve("ours-windowed.bsdiff40");
        DiffSummary s = BsDiff.diff(pair[0], pair[1], patch, DiffOptions.defaults().withMaxWindow(256 << 10),
                Progress.NONE);
        assertFalse(s.memoryPlan().whole(), "a 256 KiB window cap must force windowing: " + s);
        assertTrue(s.windows().size() >= 4, "windows: " + s.windows().size());
        assertDebianBspatchRebuilds(pair, patch);
    }

    private void assertDebianBspatchRebuilds(Path[] pair, Path patch) throws Exception {
        assertArrayEquals(FormatConstants.BSDIFF40_MAGIC, Arrays.copyOf(Files.readAllBytes(patch), 8));
        Path result = dir.resolve("debian-result");
        Peers.run(dir, Peers.require("bspatch").toString(), pair[0].toString(), result.toString(), patch.toString());
        assertEquals(-1L, Files.mismatch(pair[1], result), "Debian bspatch's result differs from NEW");
    }

    // ------------------------------------------------------------------ Debian's applied by ours

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ZSTD_PATCH_RELEASE, ZSTD_MINOR_RELEASE, SQUASHFS_GZIP, SQUASHFS_XZ})
    void ourBspatchAppliesDebianPatch(String name) throws Exception {
        Path[] pair = pair(name);
        Path result = dir.resolve("our-result");
        ApplyResult r = BsPatch.apply(pair[0], debianPatch(name), result, ApplyOptions.defaults(), Progress.NONE);
        assertEquals(-1L, Files.mismatch(pair[1], result), "our result differs from NEW");
        assertEquals(PatchFormat.BSDIFF40, r.format());
        assertEquals(Files.size(pair[1]), r.newSize());
        assertFalse(r.checksumVerified(), "Debian's patches carry no checksum");
    }

    // ------------------------------------------------------------------ size parity

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ZSTD_PATCH_RELEASE, ZSTD_MINOR_RELEASE, SQUASHFS_GZIP})
    void ourPatchIsAsSmallAsDebians(String name) throws Exception {
        Path[] pair = pair(name);
        Path patch = dir.resolve("ours.bsdiff40");
        DiffSummary s = BsDiff.diff(pair[0], pair[1], patch, DiffOptions.defaults(), Progress.NONE);
        long ours = Files.size(patch);
        long debian = Files.size(debianPatch(name));
        System.out.printf("patch size, %s (%d -> %d bytes): spindelta bsdiff40 %d bytes, Debian bsdiff %d bytes,"
                + " ratio %.4f%n", name, Files.size(pair[0]), Files.size(pair[1]), ours, debian, (double) ours / debian);
        assertEquals(ours, s.patchSize());
        assertTrue(ours <= SIZE_PARITY * debian + FIXED_ALLOWANCE, () -> String.format(
                "%s: our patch is %d bytes, Debian's %d; allowed %.0f (%.2fx + %d fixed bytes)", name, ours, debian,
                SIZE_PARITY * debian + FIXED_ALLOWANCE, SIZE_PARITY, FIXED_ALLOWANCE));
    }

    // ------------------------------------------------------------------ ENDSLEY/BSDIFF43 from real data

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ZSTD_PATCH_RELEASE, ZSTD_MINOR_RELEASE, SQUASHFS_GZIP})
    void ourBspatchAppliesBsdiff43ReencodedFromDebian(String name) throws Exception {
        Path[] pair = pair(name);
        Path patch43 = dir.resolve("reencoded.bsdiff43");
        int records = toBsdiff43(Files.readAllBytes(debianPatch(name)), patch43);
        assertTrue(records >= 1);
        Path result = dir.resolve("our-result");
        ApplyResult r = BsPatch.apply(pair[0], patch43, result, ApplyOptions.defaults(), Progress.NONE);
        assertEquals(-1L, Files.mismatch(pair[1], result), "result of the BSDIFF43 patch differs from NEW");
        assertEquals(PatchFormat.BSDIFF43, r.format());
        assertFalse(r.checksumVerified());
    }

    /**
     * Decodes Debian's three bzip2 blocks and writes mendsley's layout: "ENDSLEY/BSDIFF43", new size
     * (offtout), then one bzip2 stream of records (24-byte triple, its diff bytes, its extra bytes).
     * Returns the number of records.
     */
    static int toBsdiff43(byte[] bsdiff40, Path out) throws IOException {
        assertArrayEquals("BSDIFF40".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(bsdiff40, 8));
        long ctrlLen = offtin(bsdiff40, 8);
        long diffLen = offtin(bsdiff40, 16);
        long newSize = offtin(bsdiff40, 24);
        int ctrlStart = 32;
        int diffStart = Math.toIntExact(ctrlStart + ctrlLen);
        int extraStart = Math.toIntExact(diffStart + diffLen);
        int records = 0;
        try (InputStream ctrl = bzip2(bsdiff40, ctrlStart, diffStart);
                InputStream diff = bzip2(bsdiff40, diffStart, extraStart);
                InputStream extra = bzip2(bsdiff40, extraStart, bsdiff40.length);
                OutputStream file = Files.newOutputStream(out)) {
            byte[] header = new byte[24];
            System.arraycopy("ENDSLEY/BSDIFF43".getBytes(StandardCharsets.US_ASCII), 0, header, 0, 16);
            offtout(newSize, header, 16);
            file.write(header);
            try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(new NonClosingOutputStream(file), 9)) {
                long newPos = 0;
                while (newPos < newSize) {
                    byte[] triple = ctrl.readNBytes(24);
                    assertEquals(24, triple.length, "Debian control block ended before NEW was complete");
                    long diffBytes = offtin(triple, 0);
                    long extraBytes = offtin(triple, 8);
                    bz.write(triple);
                    copy(diff, bz, diffBytes);
                    copy(extra, bz, extraBytes);
                    newPos += diffBytes + extraBytes;
                    records++;
                }
                assertEquals(newSize, newPos);
            }
        }
        return records;
    }

    private static InputStream bzip2(byte[] b, int from, int to) throws IOException {
        return new BZip2CompressorInputStream(new ByteArrayInputStream(b, from, to - from), false);
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = in.readNBytes(Math.toIntExact(n));
        assertEquals(n, buf.length, "Debian block shorter than its control entries say");
        out.write(buf);
    }

    /** bsdiff.c's offtin: sign-magnitude, little-endian; written here independently of the main code. */
    static long offtin(byte[] b, int off) {
        long y = 0;
        for (int i = 7; i >= 0; i--) {
            y = (y << 8) | (b[off + i] & (i == 7 ? 0x7F : 0xFF));
        }
        return (b[off + 7] & 0x80) != 0 ? -y : y;
    }

    static void offtout(long x, byte[] b, int off) {
        long y = Math.abs(x);
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (y >>> (8 * i));
        }
        if (x < 0) {
            b[off + 7] |= (byte) 0x80;
        }
    }

    // ------------------------------------------------------------------ fixtures

    /** OLD and NEW of a named pair, made on first use. */
    static synchronized Path[] pair(String name) throws Exception {
        Path[] p = PAIRS.get(name);
        if (p == null) {
            p = switch (name) {
                case ZSTD_PATCH_RELEASE -> zstdPair("1.5.6-7", "1.5.6-8");
                case ZSTD_MINOR_RELEASE -> zstdPair("1.5.5-11", "1.5.6-8");
                case SQUASHFS_GZIP -> squashfsPair("gzip");
                case SQUASHFS_XZ -> squashfsPair("xz");
                default -> throw new IllegalArgumentException(name);
            };
            PAIRS.put(name, p);
        }
        return p;
    }

    /** Debian bsdiff's patch for a pair, made on first use. */
    static synchronized Path debianPatch(String name) throws Exception {
        Path patch = DEBIAN_PATCHES.get(name);
        if (patch == null) {
            Path[] p = pair(name);
            patch = shared.resolve("debian-" + name.replaceAll("[^A-Za-z0-9.-]+", "_") + ".bsdiff40");
            Peers.run(shared, Peers.require("bsdiff").toString(), p[0].toString(), p[1].toString(), patch.toString());
            DEBIAN_PATCHES.put(name, patch);
        }
        return patch;
    }

    private static Path[] zstdPair(String oldVersion, String newVersion) throws IOException {
        Path o = shared.resolve("libzstd-jni-" + oldVersion + ".so");
        Path n = shared.resolve("libzstd-jni-" + newVersion + ".so");
        if (!Files.exists(o)) {
            Files.write(o, Peers.zstdJniLibrary(oldVersion));
        }
        if (!Files.exists(n)) {
            Files.write(n, Peers.zstdJniLibrary(newVersion));
        }
        return new Path[] {o, n};
    }

    /** Real directories copied into the base tree; those missing on this machine are skipped. */
    static final String[] BASE_DIRS = {
        "/usr/share/perl5", "/usr/lib/python3.11/email", "/usr/lib/python3.11/json", "/usr/lib/python3.11/asyncio",
        "/usr/lib/python3.11/http", "/usr/lib/python3.11/urllib", "/usr/lib/python3.11/logging",
        "/usr/lib/python3.11/unittest", "/usr/lib/python3.11/lib-dynload",
    };
    /** Real directories only the spin tree has: new packages in the new image. */
    static final String[] ADDED_DIRS = {"/usr/lib/python3.11/xml", "/usr/lib/python3.11/html"};
    /** Images stay small enough for Debian bsdiff to take a second or two. */
    static final long MAX_IMAGE = 5L << 20;

    private static Path[] squashfsPair(String comp) throws Exception {
        Path base = shared.resolve("tree-base");
        Path spin = shared.resolve("tree-spin");
        if (!Files.exists(base)) {
            makeTrees(base, spin);
        }
        Path mksquashfs = Peers.require("mksquashfs");
        Path o = shared.resolve("base." + comp + ".sqfs");
        Path n = shared.resolve("spin." + comp + ".sqfs");
        for (Path[] io : new Path[][] {{base, o}, {spin, n}}) {
            Peers.run(shared, mksquashfs.toString(), io[0].toString(), io[1].toString(), "-comp", comp, "-noappend",
                    "-no-progress", "-quiet");
        }
        System.out.printf("squashfs %s pair: base %d bytes, spin %d bytes%n", comp, Files.size(o), Files.size(n));
        assertTrue(Files.size(n) <= MAX_IMAGE, "image too large for Debian bsdiff in a unit test: " + Files.size(n));
        return new Path[] {o, n};
    }

    private static void makeTrees(Path base, Path spin) throws Exception {
        Files.createDirectories(base);
        Files.createDirectories(spin);
        List<String> copied = copyExisting(BASE_DIRS, base);
        assumeTrue(copied.size() >= 2, "too few of " + Arrays.toString(BASE_DIRS) + " exist on this machine");
        Peers.run(shared, "cp", "-a", base + "/.", spin.toString());
        List<String> added = copyExisting(ADDED_DIRS, spin);
        assumeTrue(!added.isEmpty(), "none of " + Arrays.toString(ADDED_DIRS) + " exists on this machine");
        List<Path> modified = modifySome(base, spin);
        System.out.printf("squashfs trees: base from %s; spin adds %s and modifies %s%n", copied, added,
                modified.stream().map(p -> spin.relativize(p).toString()).collect(Collectors.toList()));
    }

    private static List<String> copyExisting(String[] dirs, Path into) throws Exception {
        List<String> copied = new ArrayList<>();
        for (String d : dirs) {
            if (Files.isDirectory(Path.of(d))) {
                Peers.run(shared, "cp", "-a", d, into.toString());
                copied.add(d);
            }
        }
        return copied;
    }

    /**
     * Edits a few files as an update would: three scripts gain a line in the middle, three binaries
     * get a few bytes changed in the middle (a relinked address, recompiled bytecode). Only files the
     * base tree has too, chosen deterministically, evenly spread over its sorted file list.
     */
    private static List<Path> modifySome(Path base, Path spin) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(base)) {
            files = s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> sizeOf(p) > 4096).sorted().map(p -> spin.resolve(base.relativize(p)))
                    .collect(Collectors.toList());
        }
        List<Path> scripts = files.stream().filter(DebianInteropTest::isScript).collect(Collectors.toList());
        List<Path> binaries = files.stream().filter(p -> !isScript(p)).collect(Collectors.toList());
        List<Path> modified = new ArrayList<>();
        for (List<Path> kind : List.of(scripts, binaries)) {
            for (int k = 0; k < 3 && k < kind.size(); k++) {
                Path f = kind.get((2 * k + 1) * kind.size() / 6);
                f.toFile().setWritable(true, true);
                byte[] b = Files.readAllBytes(f);
                int mid = b.length / 2;
                ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 64);
                if (isScript(f)) {
                    while (mid < b.length && b[mid - 1] != '\n') {
                        mid++;
                    }
                    out.write(b, 0, mid);
                    out.writeBytes("# spindelta interop test: changed in the spin image\n".getBytes(StandardCharsets.US_ASCII));
                    out.write(b, mid, b.length - mid);
                } else {
                    for (int j = 0; j < 4; j++) {
                        b[mid + 16 * j] ^= (byte) 0x5A;
                    }
                    out.writeBytes(b);
                }
                Files.write(f, out.toByteArray());
                modified.add(f);
            }
        }
        return modified;
    }

    private static boolean isScript(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".py") || name.endsWith(".pm") || name.endsWith(".pl");
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
