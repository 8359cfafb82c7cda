package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** mksquashfs and unsquashfs as the peers of the interop tests (same contract as bsdiff's Peers). */
public final class Peers {
    private Peers() {}

    /**
     * The path of an installed tool. On CI (CI set) a missing tool fails the test, since .ci/run
     * installs squashfs-tools; on a developer machine the test is skipped with a note.
     */
    public static Path require(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String dir : new String[] {"/usr/bin", "/usr/sbin", "/bin", "/sbin"}) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        if (System.getenv("CI") != null) {
            fail(tool + " is not installed; .ci/run must install it");
        }
        assumeTrue(false, tool + " is not installed (apt-get install squashfs-tools)");
        return null;
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
