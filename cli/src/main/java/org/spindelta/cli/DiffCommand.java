package org.spindelta.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.spindelta.core.ByteSize;
import org.spindelta.squashfs.spin.SpinDiff;
import org.spindelta.squashfs.spin.SystemRecompressors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Make a spin patch from BASE to SPIN: SquashFS images, or files carrying them (a live ISO).",
            "Identical blocks are copied from BASE; changed blocks are shipped decoded and diffed against the most "
                    + "similar base content, then recompressed on apply with the image's own compressor (checked "
                    + "block by block here); the rest is diffed as bytes."})
final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    // 192M, not bsdiff's 320M: the content compressor (liblzma, 2 threads) takes ~330 MiB of its own after
    // the diff, and with this budget the whole run stays under 512 MB of RSS (measured: 416 MB on a
    // 110 MB localized pair; the patch 0.3% larger than with 320M)
    @Option(names = "--memory", defaultValue = "192M", paramLabel = "SIZE",
            description = "Memory the content diff may hold, e.g. 256M, 1G (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all cores).")
    Integer threads;

    @Option(names = {"-v", "--verbose"}, description = "Print the plan: ops and bytes per kind.")
    boolean verbose;

    @Parameters(index = "0", paramLabel = "BASE")
    Path base;

    @Parameters(index = "1", paramLabel = "SPIN")
    Path spin;

    @Parameters(index = "2", paramLabel = "PATCH")
    Path patch;

    @Override
    public Integer call() throws Exception {
        SpinDiff.Options o = new SpinDiff.Options(ByteSize.parse(memory),
                threads != null ? threads : Runtime.getRuntime().availableProcessors());
        long t0 = System.nanoTime();
        SpinDiff.Summary s = common.withProgress(p -> SpinDiff.diff(base, spin, patch, o,
                SystemRecompressors.INSTANCE, p));
        var out = spec.commandLine().getOut();
        if (verbose) {
            out.print(s.plan().explain());
            out.flush();
        }
        if (!common.quiet) {
            long spinLength = s.plan().targetLength();
            out.printf(java.util.Locale.ROOT, "spin patch: %s (%d bytes), %.1f%% of SPIN's %s, in %.1f s%n",
                    ByteSize.format(s.patchLength()), s.patchLength(),
                    spinLength == 0 ? 0.0 : 100.0 * s.patchLength() / spinLength, ByteSize.format(spinLength),
                    (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }
}
