package org.spindelta.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.spindelta.core.ByteSize;
import org.spindelta.squashfs.pool.Pool;
import org.spindelta.squashfs.pool.PoolGc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code spindelta pool gc POOL}. */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = {"Delete the chunks no image of POOL needs, and what interrupted adds left behind.",
            "Safe to interrupt: every image rebuilds at every step."})
final class PoolGcCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all cores).")
    Integer threads;

    @Parameters(index = "0", paramLabel = "POOL")
    Path pool;

    @Override
    public Integer call() throws Exception {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        PoolGc.Summary s = PoolGc.collect(Pool.open(pool, false), t);
        if (!common.quiet) {
            spec.commandLine().getOut().println("gc: " + s.packsRewritten() + " packs rewritten, " + s.packsDeleted()
                    + " packs deleted, " + ByteSize.format(s.bytesFreed()) + " (" + s.bytesFreed() + " bytes) freed");
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
