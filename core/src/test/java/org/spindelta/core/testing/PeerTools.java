package org.spindelta.core.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the real peer tools interop tests run (Debian's bsdiff/bspatch, mksquashfs/unsquashfs,
 * jigdo-file...). Shared by the modules' tests through core's test-jar.
 */
public final class PeerTools {
    private static final String[] SYSTEM_DIRS = {"/usr/bin", "/usr/sbin", "/bin", "/sbin"};

    private PeerTools() {}

    /**
     * The path of an installed tool. On CI (the CI variable is set) a missing tool fails the test,
     * since .ci/run installs it; on a developer machine the test is skipped, naming {@code pkg}.
     */
    public static Path require(String tool, String pkg) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String dir : SYSTEM_DIRS) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        if (System.getenv("CI") != null) {
            fail(tool + " is not installed; .ci/run must install " + pkg);
        }
        assumeTrue(false, tool + " is not installed (apt-get install " + pkg + ")");
        return null;
    }
}
