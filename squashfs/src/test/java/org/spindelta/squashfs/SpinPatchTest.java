package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spindelta.core.Progress;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.UnsupportedFormatException;
import org.spindelta.core.VerificationException;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.spin.Contributor;
import org.spindelta.squashfs.spin.ImageInfo;
import org.spindelta.squashfs.spin.Op;
import org.spindelta.squashfs.spin.Recompressor;
import org.spindelta.squashfs.spin.SpinApply;
import org.spindelta.squashfs.spin.Source;
import org.spindelta.squashfs.spin.SpinDiff;
import org.spindelta.squashfs.spin.SpinPlan;
import org.spindelta.squashfs.spin.SystemRecompressors;

/**
 * Spin patches between real mksquashfs images of a tree and its changed copy (edited, added, removed
 * and version-renamed files), for every compressor: the rebuilt image is byte-identical, unchanged blocks
 * are copied, changed ones recompressed; wrong BASEs, damaged patches and foreign encoders are refused
 * before anything is written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpinPatchTest {
    private Path dir;
    private Path baseTree;
    private Path spinTree;

    @BeforeAll
    void build(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        baseTree = TestTrees.build(dir.resolve("base"));
        spinTree = TestTrees.build(dir.resolve("spin"));
        byte[] lib = SyntheticImage.text(300_000, 11);
        Files.createDirectories(baseTree.resolve("lib"));
        Files.write(baseTree.resolve("lib/libdemo.so.1.2"), lib);
        Files.createDirectories(spinTree.resolve("lib"));
        byte[] lib2 = lib.clone();
        System.arraycopy("version 1.3".getBytes(StandardCharsets.US_ASCII), 0, lib2, 150_000, 11);
        Files.write(spinTree.resolve("lib/libdemo.so.1.3"), lib2);
        // an edit in the middle of a multi-block file, an appended small file, a new directory, a removal
        try (RandomAccessFile f = new RandomAccessFile(spinTree.resolve("big.bin").toFile(), "rw")) {
            f.seek(700_000);
            f.write("changed in the spin".getBytes(StandardCharsets.US_ASCII));
        }
        Files.writeString(spinTree.resolve("small.txt"), "a tail that lives in a fragment, and more of it\n");
        Path de = Files.createDirectories(spinTree.resolve("locale/de"));
        Files.writeString(de.resolve("messages.txt"), "Guten Tag\n".repeat(500));
        Files.write(de.resolve("random.bin"), random(50_000, 5));
        try (Stream<Path> s = Files.list(spinTree.resolve("perl5"))) {
            Path victim = s.filter(Files::isRegularFile).sorted().findFirst().orElse(null);
            if (victim != null) {
                Files.delete(victim);
            }
        }
    }

    private Path image(Path tree, String name, String comp, String... extra) throws Exception {
        Path img = dir.resolve(name + "-" + comp + String.join("", extra) + ".sqfs");
        if (!Files.exists(img)) {
            List<String> cmd = new ArrayList<>(List.of(Peers.require("mksquashfs").toString(), tree.toString(),
                    img.toString(), "-noappend", "-no-progress", "-processors", "2", "-comp", comp));
            cmd.addAll(List.of(extra));
            Peers.run(dir, cmd);
        }
        return img;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private SpinPlan roundTrip(Path base, Path spin, Recompressor.Factory encoders) throws IOException {
        return roundTrip(base, spin, encoders, 2);
    }

    private SpinPlan roundTrip(Path base, Path spin, Recompressor.Factory encoders, int threads) throws IOException {
        Path patch = dir.resolve("p-" + spin.getFileName() + ".spin");
        Path out = dir.resolve("out-" + spin.getFileName());
        Files.deleteIfExists(patch);
        Files.deleteIfExists(out);
        SpinDiff.Summary s = SpinDiff.diff(base, spin, patch, new SpinDiff.Options(320L << 20, threads), encoders,
                Progress.NONE);
        assertEquals(s.patchLength(), Files.size(patch));
        assertEquals(s.plan(), SpinApply.readPlan(patch), "the plan reads back as written");
        SpinApply.apply(base, patch, out, new SpinApply.Options(2), encoders, Progress.NONE);
        assertArrayEquals(Files.readAllBytes(spin), Files.readAllBytes(out), "rebuilt byte for byte");
        try (Stream<Path> s2 = Files.list(dir)) {
            assertFalse(s2.anyMatch(p -> p.getFileName().toString().startsWith(".spindelta-")), "temp files left");
        }
        return s.plan();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "xz", "zstd", "lz4", "lzo", "lzma"})
    void rebuildsEveryCompressorByteForByte(String comp) throws Exception {
        Path base = image(baseTree, "base", comp);
        Path spin = image(spinTree, "spin", comp);
        SpinPlan plan = roundTrip(base, spin, SystemRecompressors.INSTANCE);
        long copied = plan.ops().stream().filter(o -> o instanceof Op.Copy).mapToLong(Op::targetLength).sum();
        long recompressed = plan.ops().stream().filter(o -> o instanceof Op.Recompress).count();
        assertTrue(copied > Files.size(spin) / 2, "most of the image is copied: " + copied);
        assertTrue(recompressed > 0, "changed blocks are recompressed:\n" + plan.explain());
        assertTrue(plan.samples().size() > 0, "self-test samples");
        assertTrue(Files.size(dir.resolve("p-" + spin.getFileName() + ".spin")) < Files.size(spin) / 5,
                "the patch is small");
    }

    @Test
    void contributorsAccountForEveryTargetByteByPath() throws Exception {
        Path base = image(baseTree, "base", "gzip");
        Path spin = image(spinTree, "spin", "gzip");
        SpinPlan plan = roundTrip(base, spin, SystemRecompressors.INSTANCE);
        List<Contributor> cs = plan.contributors();
        // every target byte is copied, recompressed or shipped literal, and attributed to exactly one entry
        long attributed = cs.stream().mapToLong(c -> c.copied() + c.recompressed() + c.literal()).sum();
        assertEquals(Files.size(spin), attributed, plan::explain);
        assertEquals(plan.ops().stream().filter(o -> o instanceof Op.Copy).mapToLong(Op::targetLength).sum(),
                cs.stream().mapToLong(Contributor::copied).sum());
        assertEquals(plan.ops().stream().filter(o -> o instanceof Op.Recompress).mapToLong(Op::newLength).sum(),
                cs.stream().mapToLong(Contributor::diffed).sum());
        for (int i = 1; i < cs.size() - 1; i++) {
            assertTrue(cs.get(i - 1).shipped() >= cs.get(i).shipped(), "largest first: " + cs);
        }
        // the files the spin tree changed or added ship bytes; an untouched multi-block file is not listed
        java.util.Map<String, Contributor> byName = new java.util.HashMap<>();
        cs.forEach(c -> byName.put(c.path().replaceFirst("^/", ""), c));
        for (String changed : List.of("big.bin", "locale/de/messages.txt", "locale/de/random.bin")) {
            Contributor c = byName.get(changed);
            assertTrue(c != null && c.shipped() > 0, changed + " ships bytes:\n" + plan.explain(-1));
        }
        assertTrue(byName.get("big.bin").copied() > 0, "big.bin's unchanged blocks are copied");
        assertTrue(cs.get(cs.size() - 1).path().contains("copied whole"), cs.get(cs.size() - 1).path());
        String text = plan.explain(3);
        assertTrue(text.contains("by path") && text.contains("(3 of " + cs.size()), text);
        assertEquals(plan, SpinApply.readPlan(dir.resolve("p-" + spin.getFileName() + ".spin")));
    }

    @Test
    void oneThreadRoundTripsWithTheJavaContentCompressor() throws Exception {
        // with one thread the content goes through xz-java, with more through liblzma's multi-threaded encoder:
        // the two patches differ in bytes, both rebuild the spin
        Path base = image(baseTree, "base", "xz");
        Path spin = image(spinTree, "spin", "xz");
        roundTrip(base, spin, SystemRecompressors.INSTANCE, 1);
        byte[] one = Files.readAllBytes(dir.resolve("p-" + spin.getFileName() + ".spin"));
        roundTrip(base, spin, SystemRecompressors.INSTANCE, 2);
        byte[] two = Files.readAllBytes(dir.resolve("p-" + spin.getFileName() + ".spin"));
        assertFalse(java.util.Arrays.equals(one, two), "the two content compressors were both used");
    }

    @Test
    void optionsThatChangeTheLayoutRoundTrip() throws Exception {
        for (String[] extra : List.of(new String[] {"-b", "4K"}, new String[] {"-no-fragments"},
                new String[] {"-Xbcj", "x86"}, new String[] {"-noI", "-noD"})) {
            String comp = extra[0].equals("-Xbcj") ? "xz" : "gzip";
            roundTrip(image(baseTree, "base", comp, extra), image(spinTree, "spin", comp, extra),
                    SystemRecompressors.INSTANCE);
        }
    }

    @Test
    void liveIsosMadeByXorrisoAreDiffedImageAware() throws Exception {
        Path xorriso = org.spindelta.core.testing.PeerTools.require("xorriso", "xorriso");
        List<Path> isos = new ArrayList<>();
        for (String which : List.of("base", "spin")) {
            Path root = Files.createDirectories(dir.resolve("iso-" + which + "/live"));
            Files.copy(image(which.equals("base") ? baseTree : spinTree, which, "xz"),
                    root.resolve("filesystem.squashfs"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(root.resolveSibling("boot.cfg"), "label live-" + which + "\n");
            Path iso = dir.resolve(which + ".iso");
            Files.deleteIfExists(iso);
            Peers.run(dir, List.of(xorriso.toString(), "-as", "mkisofs", "-quiet", "-r", "-J", "-V", which.toUpperCase(),
                    "-o", iso.toString(), root.getParent().toString()));
            isos.add(iso);
        }
        SpinPlan plan = roundTrip(isos.get(0), isos.get(1), SystemRecompressors.INSTANCE);
        assertEquals(1, plan.baseImages().size(), plan::explain);
        assertEquals(1, plan.targetImages().size(), plan::explain);
        assertTrue(plan.targetImages().get(0).offset() > 0, "the image lies inside the ISO");
        assertTrue(plan.ops().stream().anyMatch(o -> o instanceof Op.Recompress), plan::explain);
        assertTrue(Files.size(dir.resolve("p-spin.iso.spin")) < Files.size(isos.get(1)) / 5, "the patch is small");
    }

    @Test
    void withoutEncodersEverythingChangedIsShippedAsStored() throws Exception {
        Recompressor.Factory none = new Recompressor.Factory() {
            @Override
            public String identity(ImageInfo image) {
                return "";
            }

            @Override
            public Recompressor open(ImageInfo image) {
                throw new AssertionError("never opened");
            }
        };
        SpinPlan plan = roundTrip(image(baseTree, "base", "xz"), image(spinTree, "spin", "xz"), none);
        assertFalse(plan.ops().stream().anyMatch(o -> o instanceof Op.Recompress));
    }

    @Test
    void identicalImagesMakeATinyPatch() throws Exception {
        Path base = image(baseTree, "base", "zstd");
        Path copy = dir.resolve("copy-of-base.sqfs");
        Files.copy(base, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        SpinPlan plan = roundTrip(base, copy, SystemRecompressors.INSTANCE);
        assertEquals(0, plan.newLength() - plan.ops().stream().filter(o -> o instanceof Op.Literal)
                .mapToLong(Op::newLength).sum(), "nothing recompressed");
        assertTrue(Files.size(dir.resolve("p-copy-of-base.sqfs.spin")) < 4096);
    }

    @Test
    void wrongBaseIsRefusedAndNothingIsWritten() throws Exception {
        Path base = image(baseTree, "base", "gzip");
        Path spin = image(spinTree, "spin", "gzip");
        Path patch = dir.resolve("wrong-base.spin");
        SpinDiff.diff(base, spin, patch, new SpinDiff.Options(320L << 20, 2), SystemRecompressors.INSTANCE,
                Progress.NONE);
        Path out = dir.resolve("wrong-base.out");
        // the spin itself as BASE: another size
        VerificationException e = assertThrows(VerificationException.class, () -> SpinApply.apply(spin, patch, out,
                new SpinApply.Options(2), SystemRecompressors.INSTANCE, Progress.NONE));
        assertTrue(e.getMessage().contains("wrong BASE"), e::getMessage);
        // same size, one byte changed
        Path altered = dir.resolve("altered-base.sqfs");
        byte[] b = Files.readAllBytes(base);
        b[b.length / 2] ^= 1;
        Files.write(altered, b);
        e = assertThrows(VerificationException.class, () -> SpinApply.apply(altered, patch, out,
                new SpinApply.Options(2), SystemRecompressors.INSTANCE, Progress.NONE));
        assertTrue(e.getMessage().contains("SHA-256"), e::getMessage);
        assertFalse(Files.exists(out));
        // same size, the damage in a block the rebuild decodes into OLD: a step fails before BASE's hash
        // (computed beside the rebuild) is known, and the error must still name the wrong BASE
        Source.DecodedBlock decoded = SpinApply.readPlan(patch).sources().stream()
                .filter(x -> x instanceof Source.DecodedBlock d && !d.metadata() && d.storedLength() > 64)
                .map(x -> (Source.DecodedBlock) x).findFirst().orElseThrow();
        byte[] c = Files.readAllBytes(base);
        for (int i = 8; i < 40; i++) {
            c[(int) decoded.offset() + i] ^= (byte) 0x5a;
        }
        Files.write(altered, c);
        e = assertThrows(VerificationException.class, () -> SpinApply.apply(altered, patch, out,
                new SpinApply.Options(2), SystemRecompressors.INSTANCE, Progress.NONE));
        assertTrue(e.getMessage().contains("wrong BASE") && e.getMessage().contains("SHA-256"), e::getMessage);
        assertFalse(Files.exists(out));
        try (var left = Files.list(out.getParent())) {
            assertEquals(List.of(), left.map(x -> x.getFileName().toString()).filter(n -> n.startsWith(".spindelta-"))
                    .toList(), "temporary files left behind");
        }
    }

    @Test
    void foreignEncoderIsRefusedBeforeWriting() throws Exception {
        Path base = image(baseTree, "base", "gzip");
        Path spin = image(spinTree, "spin", "gzip");
        Path patch = dir.resolve("foreign.spin");
        SpinDiff.diff(base, spin, patch, new SpinDiff.Options(320L << 20, 2), SystemRecompressors.INSTANCE,
                Progress.NONE);
        Recompressor.Factory other = new Recompressor.Factory() {
            @Override
            public String identity(ImageInfo image) {
                return "some other zlib";
            }

            @Override
            public Recompressor open(ImageInfo image) throws IOException {
                Recompressor real = SystemRecompressors.INSTANCE.open(image);
                return new Recompressor() {
                    @Override
                    public int encode(byte[] in, int off, int len, byte[] out, boolean metadata) throws IOException {
                        int n = real.encode(in, off, len, out, metadata);
                        if (n > 0) {
                            out[n - 1] ^= 1; // an encoder that differs in its last byte
                        }
                        return n;
                    }

                    @Override
                    public void close() {
                        real.close();
                    }
                };
            }
        };
        Path out = dir.resolve("foreign.out");
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> SpinApply.apply(base,
                patch, out, new SpinApply.Options(2), other, Progress.NONE));
        assertTrue(e.getMessage().contains("does not reproduce") && e.getMessage().contains("nothing was written"),
                e::getMessage);
        assertFalse(Files.exists(out));
    }

    @Test
    void damagedPatchesFailWithOneLine() throws Exception {
        Path base = image(baseTree, "base", "zstd");
        Path spin = image(spinTree, "spin", "zstd");
        Path patch = dir.resolve("damaged.spin");
        SpinDiff.diff(base, spin, patch, new SpinDiff.Options(320L << 20, 2), SystemRecompressors.INSTANCE,
                Progress.NONE);
        byte[] good = Files.readAllBytes(patch);
        long planEnd = 136 + org.spindelta.core.LittleEndian.getLong(good, 96); // header of 136 bytes (docs/formats/spin.md)
        SplittableRandom r = new SplittableRandom(3);
        List<byte[]> bad = new ArrayList<>();
        for (int cut : new int[] {0, 7, 100, 136, (int) planEnd - 1, (int) planEnd + 50, good.length - 1}) {
            bad.add(java.util.Arrays.copyOf(good, cut));
        }
        for (int i = 0; i < 40; i++) {
            byte[] b = good.clone();
            int at = i < 20 ? r.nextInt(0, (int) planEnd) : r.nextInt(0, b.length);
            b[at] ^= (byte) (1 << r.nextInt(8));
            bad.add(b);
        }
        Path out = dir.resolve("damaged.out");
        Path input = dir.resolve("damaged-input.spin");
        for (byte[] b : bad) {
            Files.write(input, b);
            SpindeltaException e = assertThrows(SpindeltaException.class, () -> SpinApply.apply(base, input, out,
                    new SpinApply.Options(2), SystemRecompressors.INSTANCE, Progress.NONE));
            assertEquals(1, e.getMessage().lines().count(), e::getMessage);
            assertFalse(Files.exists(out));
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".spindelta-")), "temp files left");
        }
    }

    /**
     * BASE holds the same compressed block many times (600 files that start with the same 128 KiB), in
     * batches hashed on different threads: the copy of that block in the target refers to its first
     * occurrence in BASE, and the plan is the same whatever the number of threads (the patch bytes are not
     * compared: on one thread the content is compressed by xz-java, on several by liblzma).
     */
    @Test
    void duplicateBaseBlocksAreReferencedByTheirFirstCopyOnAnyThreadCount() throws Exception {
        byte[] shared = SyntheticImage.text(128 * 1024, 21);
        Path tree = Files.createDirectories(dir.resolve("dups-base"));
        for (int i = 0; i < 600; i++) {
            byte[] f = java.util.Arrays.copyOf(shared, shared.length + 128 * 1024);
            System.arraycopy(random(128 * 1024, 1000 + i), 0, f, shared.length, 128 * 1024);
            Files.write(tree.resolve(String.format("f%03d", i)), f);
        }
        Path target = Files.createDirectories(dir.resolve("dups-spin"));
        byte[] only = java.util.Arrays.copyOf(shared, shared.length + 4096);
        System.arraycopy(random(4096, 7), 0, only, shared.length, 4096);
        Files.write(target.resolve("g"), only);
        Path base = image(tree, "dups-base", "gzip");
        Path spin = image(target, "dups-spin", "gzip");

        long first = Long.MAX_VALUE;
        try (SquashfsImage image = SquashfsImage.open(base)) {
            for (org.spindelta.squashfs.chunk.Chunk c : org.spindelta.squashfs.chunk.ChunkMap.build(image).chunks()) {
                if (c.uses().stream().anyMatch(u -> u.fileOffset() == 0 && u.length() == shared.length)) {
                    first = Math.min(first, c.offset()); // every file's first block: the same stored bytes
                }
            }
        }
        SpinPlan plan1 = null;
        for (int threads : new int[] {1, 2, 4}) {
            SpinPlan plan = roundTrip(base, spin, SystemRecompressors.INSTANCE, threads);
            Op.Copy copy = plan.ops().stream().filter(o -> o instanceof Op.Copy).map(o -> (Op.Copy) o)
                    .filter(o -> o.length() > 1024).findFirst().orElseThrow(() -> new AssertionError(plan.explain()));
            assertEquals(first, copy.baseOffset(), "the first of BASE's identical blocks, on " + threads + " threads");
            if (plan1 == null) {
                plan1 = plan;
            } else {
                assertEquals(plan1, plan, "the same plan on " + threads + " threads as on 1");
            }
        }
    }
}
