package org.spindelta.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.spindelta.core.ByteSize;
import org.spindelta.core.Sha256;
import org.spindelta.squashfs.pool.Pool;
import org.spindelta.squashfs.pool.PoolGet;
import org.spindelta.squashfs.pool.PoolFormat;
import org.spindelta.squashfs.pool.Recipe;
import org.spindelta.squashfs.pool.SegmentReader;
import org.spindelta.squashfs.spin.SystemRecompressors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code spindelta pool get POOL NAME OUT [--source IMAGE ...]}. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = {"Rebuild image NAME of POOL into OUT, byte for byte.",
            "Chunks are taken first from the --source images, then from the pool. OUT appears only once "
                    + "complete and its SHA-256 matches the recipe's."})
final class PoolGetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--source", paramLabel = "IMAGE", arity = "1..*",
            description = "Images you already have (a base, another spin): chunks they hold are not read from the pool.")
    List<Path> sources = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all cores).")
    Integer threads;

    @Parameters(index = "0", paramLabel = "POOL", description = "The pool directory.")
    String pool;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Parameters(index = "2", paramLabel = "OUT")
    Path out;

    @Override
    public Integer call() throws Exception {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        long t0 = System.nanoTime();
        Pool p = Pool.open(Path.of(pool), false);
        Recipe r = p.recipe(PoolFormat.checkName(name));
        PoolGet.Summary s = common.withProgress(pr -> PoolGet.get(p.files(), r,
                new SegmentReader(SegmentReader.direct(p.files())), sources, out, t, SystemRecompressors.INSTANCE, pr));
        if (!common.quiet) {
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "wrote %s (%d bytes): %s from sources, %s from the pool, in %.1f s, sha256 %s (verified)%n",
                    ByteSize.format(r.length()), r.length(), ByteSize.format(s.fromSources()),
                    ByteSize.format(s.fromPool()), (System.nanoTime() - t0) / 1e9, Sha256.hex(r.sha256()));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
