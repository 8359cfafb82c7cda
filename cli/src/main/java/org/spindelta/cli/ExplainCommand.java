package org.spindelta.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.spindelta.squashfs.spin.SpinApply;
import org.spindelta.squashfs.spin.SpinPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Print what a spin patch will do: inputs, images, ops and bytes per kind, then per path the "
                + "bytes copied, diffed, recompressed and shipped literal, the largest contributors first."})
final class ExplainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--all", description = "List every path the patch names (up to 1,000; default: the largest 20).")
    boolean all;

    @Parameters(index = "0", paramLabel = "PATCH")
    Path patch;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        out.print(SpinApply.readPlan(patch).explain(all ? -1 : SpinPlan.EXPLAIN_TOP));
        out.flush();
        return 0;
    }
}
