package org.spindelta.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.spindelta.squashfs.pool.Pool;
import org.spindelta.squashfs.pool.PoolVerify;
import org.spindelta.squashfs.spin.SystemRecompressors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code spindelta pool verify POOL}: exit 1 and one line per problem if anything is wrong. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check every chunk's hash and rebuild every image (writing nothing) against its SHA-256; "
                + "exit 1 if anything is wrong.")
final class PoolVerifyCommand implements Callable<Integer> {
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
        Pool p = Pool.open(pool, false);
        PoolVerify.Result r = common.withProgress(pr -> PoolVerify.verify(p, t, SystemRecompressors.INSTANCE, pr));
        PrintWriter err = spec.commandLine().getErr();
        for (PoolVerify.Problem pr : r.problems()) {
            err.println("spindelta: " + pr.what() + ": " + pr.message());
        }
        err.flush();
        if (!r.ok()) {
            return 1;
        }
        if (!common.quiet) {
            spec.commandLine().getOut().println("OK: " + r.images() + " images rebuild, " + r.chunks()
                    + " chunks in " + r.packs() + " packs hash right");
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
