package org.spindelta.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.spindelta.core.ByteSize;
import org.spindelta.squashfs.pool.Pool;
import org.spindelta.squashfs.pool.PoolAdd;
import org.spindelta.squashfs.spin.SystemRecompressors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code spindelta pool add POOL IMAGE [--name NAME]}. */
@Command(name = "add", mixinStandardHelpOptions = true,
        description = {"Add IMAGE to POOL (made if missing), storing only the chunks the pool lacks.",
            "Concurrent adds to one pool wait for each other; an add that fails leaves the pool as it was."})
final class PoolAddCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--name", paramLabel = "NAME",
            description = "The image's name in the pool (default: IMAGE's file name without its last extension).")
    String name;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all cores).")
    Integer threads;

    @Parameters(index = "0", paramLabel = "POOL", description = "The pool directory.")
    Path pool;

    @Parameters(index = "1", paramLabel = "IMAGE", description = "A SquashFS image or a file carrying some (an ISO).")
    Path image;

    @Override
    public Integer call() throws Exception {
        String n = name != null ? name : defaultName(image);
        PoolAdd.Options o = threads == null ? PoolAdd.Options.defaults() : new PoolAdd.Options(threads);
        long t0 = System.nanoTime();
        Pool p = Pool.open(pool, true);
        PoolAdd.Summary s = common.withProgress(pr -> PoolAdd.add(p, image, n, o, SystemRecompressors.INSTANCE, pr));
        if (!common.quiet) {
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "added %s (%s): %d new chunks (%d as deltas), %s of content stored as a %s pack (%d bytes), "
                    + "in %.1f s%n", n, ByteSize.format(s.recipe().length()), s.newChunks(), s.deltaChunks(),
                    ByteSize.format(s.newContent()), ByteSize.format(s.packLength()), s.packLength(),
                    (System.nanoTime() - t0) / 1e9);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    static String defaultName(Path image) {
        String f = image.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }
}
