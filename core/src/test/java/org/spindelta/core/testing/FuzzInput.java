package org.spindelta.core.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the reader fuzz tests (Jazzer) share: one file per JVM and suffix that each input is written
 * to, in /dev/shm when there is one (so in memory), and the bytes this thread has allocated, for the
 * tests' allocation-bomb checks.
 */
public final class FuzzInput {
    private static final java.util.Map<String, Path> FILES = new java.util.HashMap<>();

    private FuzzInput() {}

    /** Writes {@code input} to this JVM's fuzz file ending in {@code suffix} and returns its path. */
    public static synchronized Path write(byte[] input, String suffix) throws IOException {
        Path path = FILES.get(suffix);
        if (path == null) {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? shm
                    : Path.of(System.getProperty("java.io.tmpdir"));
            path = Files.createTempFile(dir, "spindelta-fuzz-", suffix);
            path.toFile().deleteOnExit();
            FILES.put(suffix, path);
        }
        Files.write(path, input);
        return path;
    }

    /** Bytes the calling thread has allocated since it started. */
    public static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
