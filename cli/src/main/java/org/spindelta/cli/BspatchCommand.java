package org.spindelta.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.spindelta.bsdiff.apply.ApplyOptions;
import org.spindelta.bsdiff.apply.ApplyResult;
import org.spindelta.bsdiff.apply.BsPatch;
import org.spindelta.core.ByteSize;
import org.spindelta.core.Sha256;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bspatch", mixinStandardHelpOptions = true,
        description = {"Apply a patch to OLD, writing NEW. The format (BSDIFF40, ENDSLEY/BSDIFF43, SPDW) is detected.",
            "NEW appears only once complete and verified; on any error nothing is left behind."})
final class BspatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--threads", paramLabel = "N", description = "Windows applied at once (default: all cores).")
    Integer threads;

    @Parameters(index = "0", paramLabel = "OLD")
    Path oldFile;

    @Parameters(index = "1", paramLabel = "PATCH")
    Path patchFile;

    @Parameters(index = "2", paramLabel = "NEW")
    Path newFile;

    @Override
    public Integer call() throws Exception {
        ApplyOptions o = threads == null ? ApplyOptions.defaults() : new ApplyOptions(threads);
        ApplyResult r = common.withProgress(p -> BsPatch.apply(oldFile, patchFile, newFile, o, p));
        if (!common.quiet) {
            spec.commandLine().getOut().println(r.format().cliName() + ": wrote " + ByteSize.format(r.newSize()) + ", sha256 "
                    + Sha256.hex(r.newSha256()) + (r.checksumVerified() ? " (verified against the patch)"
                            : " (the patch carries no checksum; sizes and stream CRCs checked)"));
        }
        return 0;
    }
}
