package org.spindelta.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.spindelta.core.ByteSize;
import org.spindelta.core.Sha256;
import org.spindelta.squashfs.spin.SpinApply;
import org.spindelta.squashfs.spin.SystemRecompressors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Rebuild SPIN from BASE and a spin patch, byte for byte.",
            "BASE and this machine's encoders are checked before anything is written; OUT appears only once "
                    + "complete and its SHA-256 matches the patch's."})
final class ApplyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all cores).")
    Integer threads;

    @Parameters(index = "0", paramLabel = "BASE")
    Path base;

    @Parameters(index = "1", paramLabel = "PATCH")
    Path patch;

    @Parameters(index = "2", paramLabel = "OUT")
    Path out;

    @Override
    public Integer call() throws Exception {
        SpinApply.Options o = threads == null ? SpinApply.Options.defaults() : new SpinApply.Options(threads);
        long t0 = System.nanoTime();
        SpinApply.Result r = common.withProgress(p -> SpinApply.apply(base, patch, out, o,
                SystemRecompressors.INSTANCE, p));
        var err = spec.commandLine().getErr();
        r.notes().forEach(n -> err.println("spindelta: note: " + n));
        if (!common.quiet) {
            spec.commandLine().getOut().printf(java.util.Locale.ROOT,
                    "wrote %s (%d bytes) from a %s patch in %.1f s, sha256 %s (verified against the patch)%n",
                    ByteSize.format(r.targetLength()), r.targetLength(), ByteSize.format(java.nio.file.Files.size(patch)),
                    (System.nanoTime() - t0) / 1e9, Sha256.hex(r.plan().targetSha256()));
        }
        return 0;
    }
}
