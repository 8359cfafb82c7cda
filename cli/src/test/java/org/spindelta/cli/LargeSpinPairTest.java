package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diff} and {@code apply} on a ~1 GB pair of gzip SquashFS images, each in its own JVM capped at
 * {@code -Xmx256m}: the rebuilt image is the spin byte for byte, the patch is a small part of the spin, and
 * each child's peak RSS stays under 512 MB.
 *
 * <p>The trees come from {@code bench/make-spin-tree.py} (1,200 MiB of files, seeded: edits, removals,
 * version renames, added files, small files shifting the fragments) and the images from the real
 * mksquashfs with its defaults (gzip level 9, 128 KiB blocks; xz would take minutes per image). Measured
 * on 2 cores: 101 s in all, 59 s of it mksquashfs; diff 26 s at 386 MiB peak RSS, apply 10 s at 323 MiB
 * (~150 s, diff 44 s, with other work on the cores). Uses ~3.3 GB of disk at most in the temporary
 * directory (the trees are deleted once imaged) and asks for 5 GB free: skipped without it locally,
 * failed on CI.
 */
class LargeSpinPairTest {
    private static final int TREE_MIB = 1200;
    private static final String HEAP = "-Xmx256m";
    private static final long RSS_LIMIT = 512L << 20;
    private static final long DISK_NEEDED = 5L << 30;
    private static final Path GENERATOR = Path.of("..", "bench", "make-spin-tree.py");

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void diffAndApplyAGigabytePairUnder256MiBOfHeap(@TempDir Path dir) throws Exception {
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < DISK_NEEDED) {
            String why = "needs " + (DISK_NEEDED >> 20) + " MiB free in " + dir + ", has " + (free >> 20);
            if (System.getenv("CI") != null) {
                fail(why);
            }
            Assumptions.assumeTrue(false, why);
        }
        String mksquashfs = SqfsInfoTest.require("mksquashfs").toString();
        String python = SqfsInfoTest.require("python3").toString();
        long t0 = System.nanoTime();
        Path baseTree = dir.resolve("base-tree");
        Path spinTree = dir.resolve("spin-tree");
        run(dir, "generate", List.of(python, GENERATOR.toAbsolutePath().normalize().toString(),
                String.valueOf(TREE_MIB), baseTree.toString(), spinTree.toString(), "--seed", "7"));
        Path base = dir.resolve("base.sqfs");
        Path spin = dir.resolve("spin.sqfs");
        for (Path[] treeImage : new Path[][] {{baseTree, base}, {spinTree, spin}}) {
            // -all-time: the same images on every run (mksquashfs is otherwise reproducible)
            run(dir, "mksquashfs " + treeImage[1].getFileName(), List.of(mksquashfs, treeImage[0].toString(),
                    treeImage[1].toString(), "-noappend", "-no-progress", "-quiet", "-comp", "gzip", "-all-time", "0"));
        }
        deleteTree(spinTree); // 2.5 GB of trees, no longer needed
        deleteTree(baseTree);
        long spinLength = Files.size(spin);
        assertTrue(spinLength > 900_000_000L && Files.size(base) > 900_000_000L,
                "images of ~1 GB: base " + Files.size(base) + ", spin " + spinLength);

        RoundTrip r = diffAndApply(dir, base, spin);
        Child d = r.diff();
        Child a = r.apply();
        long patchLength = r.patchLength();
        assertTrue(patchLength < spinLength / 20, "patch " + patchLength + " bytes, not under 5% of SPIN's "
                + spinLength + ": unchanged blocks were not copied");
        System.out.printf(Locale.ROOT, "LargeSpinPairTest: base %d, spin %d, patch %d bytes (%.2f%%); diff %.1f s,"
                + " peak RSS %d MiB; apply %.1f s, peak RSS %d MiB; %.1f s in all%n", Files.size(base), spinLength,
                patchLength, 100.0 * patchLength / spinLength, d.seconds(), d.peakRss() >> 20, a.seconds(),
                a.peakRss() >> 20, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * A pair of images over 4 GiB ({@code mksquashfs -noD}: data blocks stored as they are, so making them takes
     * seconds): a 4.4 GB file of which the spin changes 4 MB past 4 GiB, and small files whose fragments, and
     * the metadata tables, lie past 4 GiB and change. Copies, diffs and recompression at 64-bit offsets, under
     * the same heap cap. Needs ~17 GB of disk: BASE, SPIN, the rebuilt image and OLD at once (measured: free
     * space fell by 16.8 GB during the run; at 15 GB free it failed with "No space left on device"). Skipped,
     * and said so, without it.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void diffAndApplyAPairOver4GiB(@TempDir Path dir) throws Exception {
        long free = Files.getFileStore(dir).getUsableSpace();
        Assumptions.assumeTrue(free > 4 * OVER_4GIB + (1L << 30),
                "needs ~17 GB free in " + dir + ", has " + (free >> 20) + " MiB");
        String mksquashfs = SqfsInfoTest.require("mksquashfs").toString();
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "small\n");
        Path base = dir.resolve("base.sqfs");
        Path spin = dir.resolve("spin.sqfs");
        long changed = 4_000_000;
        // names sort after "big": their data and fragments are written after its 4.4 GB
        run(dir, "mksquashfs base over 4 GiB", overFourGiB(mksquashfs, src, base,
                "yes spindelta-over-4GiB | head -c " + OVER_4GIB, "seq 1 40000", "printf tail-a"));
        run(dir, "mksquashfs spin over 4 GiB", overFourGiB(mksquashfs, src, spin,
                "{ yes spindelta-over-4GiB | head -c " + (OVER_4GIB - changed) + "; yes changed-past-4GiB | head -c "
                        + changed + "; }", "seq 2 40001", "printf tail-b"));
        assertTrue(Files.size(base) > OVER_4GIB && Files.size(spin) > OVER_4GIB,
                "images over 4 GiB: base " + Files.size(base) + ", spin " + Files.size(spin));

        RoundTrip r = diffAndApply(dir, base, spin);
        Child d = r.diff();
        Child a = r.apply();
        long patchLength = r.patchLength();
        assertTrue(patchLength < 20_000_000L, "patch " + patchLength + " bytes: the 4.4 GB left as it was must be"
                + " copied, not shipped");
        System.out.printf(Locale.ROOT, "LargeSpinPairTest: over 4 GiB: spin %d, patch %d bytes; diff %.1f s, peak RSS"
                + " %d MiB; apply %.1f s, peak RSS %d MiB%n", Files.size(spin), patchLength, d.seconds(),
                d.peakRss() >> 20, a.seconds(), a.peakRss() >> 20);
    }

    /** The two children of a round trip and the patch's length. */
    record RoundTrip(Child diff, Child apply, long patchLength) {}

    /**
     * {@code diff} BASE SPIN, then {@code apply}, each in its own capped JVM on 2 threads whatever the machine
     * (liblzma's native memory and the blocks in flight grow per thread): the rebuilt image must be SPIN byte for
     * byte and each child's peak RSS under {@link #RSS_LIMIT}.
     */
    private static RoundTrip diffAndApply(Path dir, Path base, Path spin) throws IOException, InterruptedException {
        Path patch = dir.resolve("pair.spin");
        Path out = dir.resolve("rebuilt.sqfs");
        Child d = spindelta(dir, "diff", "--threads", "2", base.toString(), spin.toString(), patch.toString());
        Child a = spindelta(dir, "apply", "--threads", "2", base.toString(), patch.toString(), out.toString());
        assertEquals(-1L, Files.mismatch(spin, out), "rebuilt image differs from SPIN");
        assertTrue(d.peakRss() < RSS_LIMIT, "diff peak RSS " + (d.peakRss() >> 20) + " MiB");
        assertTrue(a.peakRss() < RSS_LIMIT, "apply peak RSS " + (a.peakRss() >> 20) + " MiB");
        return new RoundTrip(d, a, Files.size(patch));
    }

    private static final long OVER_4GIB = 4_400_000_000L;

    /** mksquashfs of SRC plus pseudo files: "big" from BIG, then "zz-seq" and "zz-tail" after it. */
    private static List<String> overFourGiB(String mksquashfs, Path src, Path img, String big, String seq,
            String tail) {
        return List.of(mksquashfs, src.toString(), img.toString(), "-noappend", "-no-progress", "-quiet", "-noD",
                "-all-time", "0", "-p", "big f 644 0 0 " + big, "-p", "zz-seq f 644 0 0 " + seq, "-p",
                "zz-tail f 644 0 0 " + tail);
    }

    /** What a child JVM did: its peak resident set (VmHWM) and wall time. */
    record Child(long peakRss, double seconds) {}

    /**
     * Runs {@code spindelta ARGS} in a new JVM (this JVM's java, this test's class path, {@value #HEAP}) and
     * fails unless it exits 0. Its VmHWM is polled every 20 ms from /proc: it only grows, so the last reading
     * before exit misses at most the last 20 ms.
     */
    private static Child spindelta(Path dir, String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), HEAP, "-cp",
                System.getProperty("java.class.path"), "org.spindelta.cli.Main"));
        cmd.addAll(List.of(args));
        Path log = dir.resolve(args[0] + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS"); // nothing may lift the cap
        pb.environment().remove("_JAVA_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        long t0 = System.nanoTime();
        Process p = pb.start();
        Path status = Path.of("/proc", String.valueOf(p.pid()), "status");
        long peak = 0;
        while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
            peak = Math.max(peak, vmHwm(status));
            if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(6)) {
                p.destroyForcibly();
                fail("timed out: " + String.join(" ", cmd) + "\n" + Files.readString(log));
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String text = Files.readString(log);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + "\n" + text);
        assertTrue(peak > 0, "no VmHWM read from " + status + " (Linux /proc needed)");
        System.out.print(text);
        return new Child(peak, seconds);
    }

    /** VmHWM of /proc/PID/status in bytes, or 0 once the process is gone. */
    private static long vmHwm(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").strip()) << 10;
                }
            }
        } catch (IOException e) {
            // exited between waitFor and the read
        }
        return 0;
    }

    /** Runs a peer, printing how long it took; fails with its output unless it exits 0. */
    private static void run(Path dir, String what, List<String> cmd) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "peer", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("LC_ALL", "C");
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(6, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("timed out: " + String.join(" ", cmd));
        }
        String text = Files.readString(log);
        Files.delete(log);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + "\n" + text);
        System.out.printf(Locale.ROOT, "LargeSpinPairTest: %s in %.1f s%n%s", what, (System.nanoTime() - t0) / 1e9,
                text);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted((x, y) -> y.compareTo(x)).toList()) {
                Files.delete(p);
            }
        }
    }
}
