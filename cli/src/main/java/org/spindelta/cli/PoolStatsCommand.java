package org.spindelta.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.spindelta.core.ByteSize;
import org.spindelta.squashfs.pool.Pool;
import org.spindelta.squashfs.pool.PoolReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code spindelta pool stats POOL}: stored bytes against the images' sum, per image and in total. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Stored bytes against the sum of the images, per image and in total.")
final class PoolStatsCommand implements Callable<Integer> {
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
        out.printf("%-24s %14s %14s %14s%n", "NAME", "BYTES", "USES STORED", "ADDS");
        for (PoolReport.ImageRow i : r.images()) {
            out.printf("%-24s %14d %14d %14d%n", i.name(), i.length(), i.stored(), i.adds());
        }
        long sum = r.imagesLength();
        out.printf(Locale.ROOT, "images: %d, %d bytes (%s) in all%n", r.images().size(), sum, ByteSize.format(sum));
        out.printf(Locale.ROOT, "stored: %d bytes (%s) in %d packs holding %d chunks (%s of content), %.1f%% of the "
                + "images' sum%n", r.liveBytes(), ByteSize.format(r.liveBytes()), r.packs(), r.chunks(),
                ByteSize.format(r.contentBytes()), sum == 0 ? 0.0 : 100.0 * r.liveBytes() / sum);
        if (r.diskBytes() > r.liveBytes()) {
            out.printf(Locale.ROOT, "garbage: %d bytes no image uses (pool gc removes them)%n",
                    r.diskBytes() - r.liveBytes());
        }
        out.flush();
        return 0;
    }
}
