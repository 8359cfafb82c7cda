package org.spindelta.squashfs.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.testing.FuzzInput;
import org.spindelta.squashfs.read.SquashfsImage;

/**
 * Coverage-guided fuzzing of the SquashFS reader with Jazzer: each input is written to a file, opened as
 * an image and read through every API in {@link ReadProbes}. Hostile input may only be rejected with our
 * exceptions ({@link SpindeltaException}: format, corrupt, unsupported, over a limit); any other
 * exception or error, an allocation over {@link #MAX_ALLOCATED_BYTES} or an input that takes more than
 * {@link #TIMEOUT_SECONDS} seconds is a finding.
 *
 * <p>Plain {@code mvn verify} runs the target once on each file under
 * {@code src/test/resources/org/spindelta/squashfs/fuzz/SquashfsReadFuzzTestInputs/readImage/}: the seed
 * images in {@code seeds/} (made by {@code make-seeds.sh}, beside that directory) and the inputs of past
 * findings, {@code regression-*}, which the reader now rejects properly. To fuzz, as CI does for 3
 * minutes after the tests (see {@code .ci/run}):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -pl squashfs -am surefire:test -Dtest=SquashfsReadFuzzTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Djunit.jupiter.execution.timeout.mode=disabled \
 *     '-Djazzer.instrument=org.spindelta.**' [-Djazzer.max_duration=20m]
 * </pre>
 *
 * The {@code @Timeout} below becomes libFuzzer's per-input {@code -timeout}; JUnit must not apply it
 * too ({@code timeout.mode=disabled}), or it ends the whole fuzzing run after {@value #TIMEOUT_SECONDS}
 * seconds. A finding is written as {@code crash-*} or {@code timeout-*} into the inputs directory above,
 * where the next plain run replays it; once the reader is fixed, rename it {@code regression-} and what
 * it broke, and commit it. Inputs that found new coverage collect in
 * {@code squashfs/.cifuzz-corpus/}, which is not committed.
 */
class SquashfsReadFuzzTest {
    /**
     * Bytes one input may allocate, in all. Reading is block by block with reused buffers and tables are
     * decoded a metadata block at a time, so a seed allocates under 2 MiB; an allocation sized from an
     * untrusted count shows up here long before the test JVM's 1 GiB heap runs out.
     */
    static final long MAX_ALLOCATED_BYTES = 256L << 20;

    /** Seconds one input may take; the seeds take milliseconds, a 16 MiB xz file well under one. */
    static final int TIMEOUT_SECONDS = 10;

    @FuzzTest(maxDuration = "3m")
    @Timeout(TIMEOUT_SECONDS)
    void readImage(byte[] input) throws IOException {
        Path file = FuzzInput.write(input, ".sqfs");
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        long loaded = classes.getTotalLoadedClassCount();
        long allocated = readAll(file);
        if (classes.getTotalLoadedClassCount() != loaded) {
            // The input reached code not run before: loading it, Jazzer's instrumentation of it and the
            // bootstrap of its string concatenations allocated too (hundreds of MiB in the first input).
            // Measure the reader alone, on a second read.
            allocated = readAll(file);
        }
        if (allocated > MAX_ALLOCATED_BYTES) {
            throw new AssertionError("reading a " + input.length + "-byte image allocated " + allocated
                    + " bytes, more than " + MAX_ALLOCATED_BYTES);
        }
    }

    /** Runs every probe on the image in {@code file}; returns the bytes this thread allocated meanwhile. */
    private static long readAll(Path file) throws IOException {
        long before = FuzzInput.allocatedBytes();
        try (SquashfsImage image = SquashfsImage.open(file)) {
            ReadProbes.Budget budget = new ReadProbes.Budget();
            for (ReadProbes.Probe probe : ReadProbes.ALL) {
                try {
                    probe.run(image, budget);
                } catch (SpindeltaException expected) {
                    // hostile input rejected; the other probes may still get further
                }
            }
        } catch (SpindeltaException expected) {
            // not an image we can open
        }
        return FuzzInput.allocatedBytes() - before;
    }
}
