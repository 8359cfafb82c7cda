package org.spindelta.bsdiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spindelta.bsdiff.apply.ApplyOptions;
import org.spindelta.bsdiff.apply.ApplyResult;
import org.spindelta.bsdiff.apply.BsPatch;
import org.spindelta.bsdiff.format.PatchFormat;
import org.spindelta.bsdiff.generate.BsDiff;
import org.spindelta.bsdiff.generate.DiffOptions;
import org.spindelta.bsdiff.generate.DiffSummary;
import org.spindelta.core.LimitExceededException;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;

/** diff then apply gives NEW back, for every writable format, whole and windowed, on many kinds of input. */
class RoundTripTest {
    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        byte[] base = TestData.random(300_000, 1);
        byte[] text = TestData.textLike(400_000, 2);
        List<Arguments> out = new ArrayList<>();
        Object[][] pairs = {
            {"empty to empty", new byte[0], new byte[0]},
            {"empty old", new byte[0], TestData.random(5000, 3)},
            {"empty new", TestData.random(5000, 4), new byte[0]},
            {"one byte", new byte[] {7}, new byte[] {8}},
            {"identical", base, base},
            {"unrelated", TestData.random(100_000, 5), TestData.random(120_000, 6)},
            {"edited random", base, TestData.edited(base, 7)},
            {"edited text", text, TestData.edited(text, 8)},
            {"zeros", new byte[200_000], new byte[250_000]},
            {"period 3 vs period 7", TestData.periodic(100_000, 3), TestData.periodic(100_000, 7)},
        };
        for (PatchFormat f : new PatchFormat[] {PatchFormat.BSDIFF40, PatchFormat.SPDW_XZ, PatchFormat.SPDW_ZSTD,
            PatchFormat.SPDW_STORED}) {
            for (Object[] p : pairs) {
                out.add(Arguments.of(f, p[0], p[1], p[2], 0L));
                out.add(Arguments.of(f, p[0] + " in 64 KiB windows", p[1], p[2], 64L << 10));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void roundTrip(PatchFormat format, String name, byte[] old, byte[] nw, long maxWindow) throws IOException {
        DiffSummary s = diffAndApply(old, nw, DiffOptions.defaults().withFormat(format).withMaxWindow(maxWindow));
        assertEquals(nw.length, s.newSize());
        assertEquals(maxWindow == 0 || nw.length <= maxWindow, s.memoryPlan().whole(), "mode chosen");
    }

    @Test
    void similarInputsGiveSmallPatches() throws IOException {
        byte[] old = TestData.textLike(500_000, 11);
        byte[] nw = TestData.edited(old, 12);
        DiffSummary s = diffAndApply(old, nw, DiffOptions.defaults());
        // edits touch a few percent of the bytes; a patch near the input size would mean matching failed
        assertTrue(s.patchSize() < nw.length / 10, "patch " + s.patchSize() + " for " + nw.length + " bytes");
    }

    @Test
    void windowedPatchOfAMovedBlockStaysSmall() throws IOException {
        byte[] old = TestData.random(2_000_000, 21);
        byte[] nw = TestData.edited(old, 22); // includes a 10% block moved from front to back
        DiffSummary whole = diffAndApply(old, nw, DiffOptions.defaults());
        DiffSummary windowed = diffAndApply(old, nw, DiffOptions.defaults().withMaxWindow(256 << 10));
        assertTrue(windowed.windows().size() >= 8);
        // the coarse index must find the moved block's old region: random data leaves no other way to match it
        assertTrue(windowed.patchSize() < whole.patchSize() * 1.10,
                "windowed " + windowed.patchSize() + " vs whole " + whole.patchSize());
    }

    @Test
    void tooManyThreadsForTheBudgetIsRefusedUpFront() throws IOException {
        Path o = dir.resolve("o");
        Path n = dir.resolve("n");
        Files.write(o, TestData.random(2_000_000, 41));
        Files.write(n, TestData.random(2_000_000, 42));
        DiffOptions tight = DiffOptions.defaults().withThreads(16).withMemory(DiffOptions.MIN_MEMORY);
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> BsDiff.diff(o, n, dir.resolve("p"), tight, Progress.NONE));
        assertTrue(e.getMessage().contains("16 thread(s)") && e.getMessage().contains("need at least"), e.getMessage());
        assertTrue(e.needed() > e.limit());
        assertFalse(Files.exists(dir.resolve("p")));
    }

    @Test
    @Timeout(120)
    void repetitiveInputsFinish() throws IOException {
        byte[] old = new byte[8 << 20];
        byte[] nw = new byte[8 << 20];
        for (int i = 0; i < nw.length; i += 4099) {
            nw[i] = 1; // long zero runs that almost, but not quite, line up with old
        }
        diffAndApply(old, nw, DiffOptions.defaults());
        diffAndApply(TestData.periodic(4 << 20, 2), TestData.periodic(5 << 20, 4), DiffOptions.defaults());
    }

    @Test
    void threadCountDoesNotChangeCorrectness() throws IOException {
        byte[] old = TestData.random(1_000_000, 31);
        byte[] nw = TestData.edited(old, 32);
        for (int t : new int[] {1, 3, 8}) {
            // eight threads keep eight bzip2 chunks per stream in flight: give them the room
            diffAndApply(old, nw, DiffOptions.defaults().withThreads(t).withMemory(640L << 20).withMaxWindow(100_000));
        }
    }

    /**
     * A windowed diff of a 14 MiB pair, OLD longer than several of the coarse index's read chunks and
     * NEW equal to it over stretches longer than a bzip2 chunk (so the diff block holds full chunks of
     * zeros, compressed once and spliced again): the patch is the same bytes on 1, 2 and 3 threads,
     * and Debian's bspatch rebuilds NEW from it.
     */
    @Test
    void windowedPatchBytesDoNotDependOnTheThreadCount() throws Exception {
        byte[] old = TestData.textLike(14 << 20, 41);
        byte[] nw = old.clone();
        for (int at : new int[] {1 << 20, (13 << 20) + 5}) {
            for (int i = 0; i < 300; i++) {
                nw[at + i * 7] ^= 0x5A; // scattered edits: diff bytes that are not zero
            }
        }
        byte[] inserted = TestData.random(70_000, 42);
        byte[] shifted = new byte[nw.length + inserted.length];
        int cut = 11 << 20; // NEW equals OLD from ~1 MiB to here: two full 4 MiB chunks of zero diff bytes
        System.arraycopy(nw, 0, shifted, 0, cut);
        System.arraycopy(inserted, 0, shifted, cut, inserted.length);
        System.arraycopy(nw, cut, shifted, cut + inserted.length, nw.length - cut);
        byte[] first = null;
        for (int t : new int[] {1, 2, 3}) {
            DiffSummary s = diffAndApply(old, shifted,
                    DiffOptions.defaults().withThreads(t).withMemory(640L << 20).withMaxWindow(2 << 20));
            assertFalse(s.memoryPlan().whole(), "windowed: " + s);
            byte[] patch = Files.readAllBytes(dir.resolve("patch"));
            if (first == null) {
                first = patch;
                Path debian = dir.resolve("debian-result");
                Peers.run(dir, Peers.require("bspatch").toString(), dir.resolve("old").toString(), debian.toString(),
                        dir.resolve("patch").toString());
                assertEquals(-1L, Files.mismatch(dir.resolve("new"), debian), "Debian bspatch's result differs");
            } else {
                assertArrayEquals(first, patch, "patch made on " + t + " threads differs from 1 thread's");
            }
        }
    }

    private DiffSummary diffAndApply(byte[] old, byte[] nw, DiffOptions options) throws IOException {
        Path o = dir.resolve("old");
        Path n = dir.resolve("new");
        Path p = dir.resolve("patch");
        Path r = dir.resolve("result");
        Files.write(o, old);
        Files.write(n, nw);
        DiffSummary s = BsDiff.diff(o, n, p, options, Progress.NONE);
        assertEquals(Files.size(p), s.patchSize());
        ApplyResult a = BsPatch.apply(o, p, r, new ApplyOptions(options.threads()), Progress.NONE);
        assertArrayEquals(nw, Files.readAllBytes(r));
        assertTrue(a.checksumVerified(), "our patches carry checksums");
        assertArrayEquals(Sha256.of(nw, 0, nw.length), a.newSha256());
        assertArrayEquals(old, Files.readAllBytes(o), "OLD unchanged");
        return s;
    }
}
