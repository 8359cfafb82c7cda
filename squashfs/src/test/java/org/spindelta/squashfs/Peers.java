package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.spindelta.core.testing.PeerTools;

/** mksquashfs and unsquashfs as the peers of the interop tests (same contract as bsdiff's Peers). */
public final class Peers {
    private Peers() {}

    /** The path of an installed tool; see {@link PeerTools#require}. */
    public static Path require(String tool) {
        return PeerTools.require(tool, "squashfs-tools");
    }

    /**
     * Runs a command with TZ=UTC and returns its standard output; fails the test with the output unless it
     * exits 0.
     */
    public static String run(Path workDir, List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "peer", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        Map<String, String> env = pb.environment();
        env.put("TZ", "UTC");
        env.put("LC_ALL", "C");
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        String text = Files.readString(out);
        Files.delete(out);
        assertEquals(0, p.exitValue(), () -> "command failed: " + String.join(" ", cmd) + "\n" + text);
        return text;
    }
}
