package org.spindelta.bsdiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spindelta.bsdiff.apply.ApplyOptions;
import org.spindelta.bsdiff.apply.BsPatch;
import org.spindelta.bsdiff.format.PatchFormat;
import org.spindelta.bsdiff.generate.BsDiff;
import org.spindelta.bsdiff.generate.DiffOptions;
import org.spindelta.bsdiff.generate.DiffSummary;
import org.spindelta.core.Progress;

/**
 * DiffOptions.minMatch: on NEW made of new text (which shares short words with OLD) plus long copied
 * runs, a minimum match keeps the long runs, drops bsdiff's 9-byte matches (far fewer control
 * records), and the patch still rebuilds NEW exactly, in every format.
 */
class MinMatchTest {
    @Test
    void shortMatchesAreLeftAsLiteralsAndThePatchStillApplies(@TempDir Path dir) throws Exception {
        byte[] old = TestData.textLike(400_000, 7);
        byte[] fresh = TestData.textLike(300_000, 8);
        byte[] nw = new byte[old.length / 2 + fresh.length];
        System.arraycopy(fresh, 0, nw, 0, 150_000);
        System.arraycopy(old, 100_000, nw, 150_000, old.length / 2);
        System.arraycopy(fresh, 150_000, nw, 150_000 + old.length / 2, 150_000);
        Path o = Files.write(dir.resolve("old"), old);
        Path n = Files.write(dir.resolve("new"), nw);
        for (PatchFormat f : new PatchFormat[] {PatchFormat.BSDIFF40, PatchFormat.SPDW_XZ}) {
            DiffOptions base = DiffOptions.defaults().withFormat(f).withThreads(2);
            DiffSummary plain = BsDiff.diff(o, n, dir.resolve("plain"), base, Progress.NONE);
            DiffSummary min = BsDiff.diff(o, n, dir.resolve("min"), base.withMinMatch(32), Progress.NONE);
            assertTrue(min.records() * 3 < plain.records(), f + ": records " + min.records() + " vs " + plain.records());
            assertTrue(min.diffBytes() >= old.length / 2, f + ": the long copied run is still matched");
            Path out = dir.resolve("out-" + f.cliName());
            BsPatch.apply(o, dir.resolve("min"), out, ApplyOptions.defaults(), Progress.NONE);
            assertArrayEquals(nw, Files.readAllBytes(out));
        }
        assertThrows(IllegalArgumentException.class, () -> DiffOptions.defaults().withMinMatch(-1));
    }
}
