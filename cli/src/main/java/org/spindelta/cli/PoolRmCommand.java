package org.spindelta.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.spindelta.squashfs.pool.Pool;
import org.spindelta.squashfs.pool.PoolGc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code spindelta pool rm POOL NAME}. */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Remove image NAME from POOL; the chunks only it used are freed by 'pool gc'.")
final class PoolRmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "POOL")
    Path pool;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
        PoolGc.remove(Pool.open(pool, false), name);
        return 0;
    }
}
