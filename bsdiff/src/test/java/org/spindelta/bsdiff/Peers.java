package org.spindelta.bsdiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.spindelta.core.testing.PeerTools;

/** Real peer tools and real data for interop tests. */
public final class Peers {
    private Peers() {}

    /** The path of an installed tool; see {@link PeerTools#require}. */
    public static Path require(String tool) {
        return PeerTools.require(tool, "the package providing it (bsdiff, squashfs-tools)");
    }

    /** Runs a command, failing the test with its output unless it exits 0. */
    public static void run(Path workDir, String... cmd) throws IOException, InterruptedException {
        assertEquals(0, exec(workDir, cmd), () -> "command failed: " + String.join(" ", cmd));
    }

    /** Runs a command and returns its exit code (output goes to a log in workDir). */
    public static int exec(Path workDir, String... cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of(cmd));
        Path log = workDir.resolve("peer.log");
        Process p = new ProcessBuilder(c).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("timed out: " + c);
        }
        if (p.exitValue() != 0) {
            System.err.println(Files.readString(log));
        }
        return p.exitValue();
    }

    /**
     * A real native library from one release of zstd-jni (copied by the build into
     * target/test-pairs): consecutive releases make a realistic "two versions of a binary" pair.
     */
    public static byte[] zstdJniLibrary(String version) throws IOException {
        Path dir = Path.of(System.getProperty("spindelta.testPairs", "target/test-pairs"));
        Path jar = dir.resolve("zstd-jni-" + version + ".jar");
        try (ZipFile z = new ZipFile(jar.toFile())) {
            ZipEntry e = z.getEntry("linux/amd64/libzstd-jni-" + version + ".so");
            try (InputStream in = z.getInputStream(e)) {
                return in.readAllBytes();
            }
        }
    }
}
