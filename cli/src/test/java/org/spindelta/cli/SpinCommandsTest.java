package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spindelta diff}, {@code apply} and {@code explain} on the committed sample pair (two gzip
 * SquashFS images, samples/make-samples.sh): an identical rebuild, a readable plan, one-line errors.
 */
class SpinCommandsTest {
    private static final Path BASE = Path.of("..", "samples", "base.sqfs");
    private static final Path SPIN = Path.of("..", "samples", "spin.sqfs");

    @Test
    void diffApplyExplainRoundTrip(@TempDir Path dir) throws Exception {
        Path patch = dir.resolve("sample.spin");
        Path out = dir.resolve("rebuilt.sqfs");
        CliTest.Run d = CliTest.run("diff", "-q", "-v", BASE.toString(), SPIN.toString(), patch.toString());
        assertEquals(0, d.code(), d::toString);
        assertTrue(d.out().contains("recompress"), d::toString);
        assertTrue(Files.size(patch) < Files.size(SPIN) / 4, "patch " + Files.size(patch));
        CliTest.Run a = CliTest.run("apply", BASE.toString(), patch.toString(), out.toString());
        assertEquals(0, a.code(), a::toString);
        assertTrue(a.out().contains("verified against the patch"), a::toString);
        assertTrue(a.out().contains("(" + Files.size(SPIN) + " bytes) from a "), a::toString);
        assertArrayEquals(Files.readAllBytes(SPIN), Files.readAllBytes(out));
        CliTest.Run e = CliTest.run("explain", patch.toString());
        assertEquals(0, e.code(), e::toString);
        assertTrue(e.out().contains("copy") && e.out().contains("gzip image at byte 0"), e::toString);
        assertTrue(e.out().contains("by path, most bytes shipped first"), e::toString);
        CliTest.Run all = CliTest.run("explain", "--all", patch.toString());
        assertEquals(0, all.code(), all::toString);
        assertTrue(all.out().contains("copied whole"), all::toString);
    }

    @Test
    void diffEndsWithASummaryLine(@TempDir Path dir) throws Exception {
        Path patch = dir.resolve("sample.spin");
        CliTest.Run d = CliTest.run("diff", BASE.toString(), SPIN.toString(), patch.toString());
        assertEquals(0, d.code(), d::toString);
        String line = d.out().strip();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "spin patch: \\S+ \\S+ \\((\\d+) bytes\\), (\\d+\\.\\d)% of SPIN's \\S+ \\S+, in \\d+\\.\\d s").matcher(line);
        assertTrue(m.matches(), line);
        assertEquals(Files.size(patch), Long.parseLong(m.group(1)));
        assertEquals(100.0 * Files.size(patch) / Files.size(SPIN), Double.parseDouble(m.group(2)), 0.051);
    }

    @Test
    void errorsAreOneLine(@TempDir Path dir) throws Exception {
        Path patch = dir.resolve("sample.spin");
        assertEquals(0, CliTest.run("diff", "-q", BASE.toString(), SPIN.toString(), patch.toString()).code());
        Path out = dir.resolve("out.sqfs");
        CliTest.assertOneLineError(CliTest.run("apply", SPIN.toString(), patch.toString(), out.toString()),
                "wrong BASE");
        assertFalse(Files.exists(out));
        CliTest.assertOneLineError(CliTest.run("explain", BASE.toString()), "not a spindelta spin patch");
        Path cut = Files.write(dir.resolve("cut.spin"), java.util.Arrays.copyOf(Files.readAllBytes(patch), 300));
        CliTest.assertOneLineError(CliTest.run("apply", BASE.toString(), cut.toString(), out.toString()));
        assertFalse(Files.exists(out));
        CliTest.assertOneLineError(CliTest.run("apply", BASE.toString(), patch.toString(), BASE.toString()));
        assertEquals(2, CliTest.run("diff", BASE.toString()).code());
    }
}
