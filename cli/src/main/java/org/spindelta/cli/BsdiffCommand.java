package org.spindelta.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.spindelta.bsdiff.format.PatchFormat;
import org.spindelta.bsdiff.generate.BsDiff;
import org.spindelta.bsdiff.generate.DiffOptions;
import org.spindelta.bsdiff.generate.DiffSummary;
import org.spindelta.bsdiff.generate.WindowPlan;
import org.spindelta.core.ByteSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bsdiff", mixinStandardHelpOptions = true,
        description = {"Make a binary patch from OLD to NEW (suffix-array bsdiff, bounded memory, all cores).",
            "Formats: bsdiff40 (default; Debian's bspatch applies it), spdw-xz and spdw-zstd (windowed, SHA-256 checked, "
                    + "applied in parallel)."})
final class BsdiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--format", defaultValue = "bsdiff40", paramLabel = "F",
            description = "bsdiff40, spdw-xz, spdw-zstd or spdw-stored (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--memory", defaultValue = "320M", paramLabel = "SIZE",
            description = "Memory the diff may hold, e.g. 256M, 1G (default: ${DEFAULT-VALUE}). Larger inputs are "
                    + "diffed in windows.")
    String memory;

    @Option(names = "--threads", paramLabel = "N", description = "Windows diffed at once (default: all cores).")
    Integer threads;

    @Option(names = {"-v", "--verbose"}, description = "Print the plan: windows and the OLD ranges each uses.")
    boolean verbose;

    @Parameters(index = "0", paramLabel = "OLD")
    Path oldFile;

    @Parameters(index = "1", paramLabel = "NEW")
    Path newFile;

    @Parameters(index = "2", paramLabel = "PATCH")
    Path patchFile;

    @Override
    public Integer call() throws Exception {
        DiffOptions o = DiffOptions.defaults().withFormat(PatchFormat.writableFromCliName(format)).withMemory(ByteSize.parse(memory));
        if (threads != null) {
            o = o.withThreads(threads);
        }
        DiffOptions options = o;
        DiffSummary s = common.withProgress(p -> BsDiff.diff(oldFile, newFile, patchFile, options, p));
        var out = spec.commandLine().getOut();
        if (verbose) {
            for (WindowPlan w : s.windows()) {
                out.println(w);
            }
        }
        if (!common.quiet) {
            out.println(s);
        }
        return 0;
    }
}
