package org.spindelta.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.spindelta.squashfs.pool.Pool;
import org.spindelta.squashfs.pool.PoolReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code spindelta pool ls POOL}: one line per image. */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = {"List POOL's images: size, pieces, and the stored bytes only that image uses (what it adds, "
                + "and what removing it would free)."})
final class PoolLsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "POOL")
    Path pool;

    @Override
    public Integer call() throws Exception {
        PoolReport r = PoolReport.of(Pool.open(pool, false));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-24s %14s %8s %14s%n", "NAME", "BYTES", "PIECES", "ADDS");
        for (PoolReport.ImageRow i : r.images()) {
            out.printf("%-24s %14d %8d %14d%n", i.name(), i.length(), i.pieces(), i.adds());
        }
        out.flush();
        return 0;
    }
}
