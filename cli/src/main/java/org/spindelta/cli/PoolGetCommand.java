package org.spindelta.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.spindelta.core.ByteSize;
import org.spindelta.core.Sha256;
import java.net.URI;
import org.spindelta.squashfs.pool.HttpPoolFiles;
import org.spindelta.squashfs.pool.Pool;
import org.spindelta.squashfs.pool.PoolFiles;
import org.spindelta.squashfs.pool.SegmentCache;
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

    @Option(names = "--cache", paramLabel = "DIR",
            description = "For a pool URL: keep fetched segments here (checked by SHA-256) and reuse them; an "
                    + "interrupted get resumes from it. Default: a directory beside OUT, removed after success.")
    Path cache;

    @Option(names = "--connections", paramLabel = "N", description = "For a pool URL: requests at once (default: 4).")
    int connections = 4;

    @Parameters(index = "0", paramLabel = "POOL", description = "The pool directory, or its http:// or https:// URL.")
    String pool;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Parameters(index = "2", paramLabel = "OUT")
    Path out;

    @Override
    public Integer call() throws Exception {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        long t0 = System.nanoTime();
        PoolFiles files;
        SegmentReader.Fetch fetch;
        Path temporaryCache = null;
        if (HttpPoolFiles.isUrl(pool)) {
            files = new HttpPoolFiles(URI.create(pool));
            Path c = cache;
            if (c == null) {
                Path abs = out.toAbsolutePath();
                c = abs.resolveSibling("." + abs.getFileName() + ".pool-cache");
                temporaryCache = c;
            }
            fetch = new SegmentCache(files, c, connections);
        } else {
            files = Pool.open(Path.of(pool), false).files();
            fetch = SegmentReader.direct(files);
        }
        Recipe r = Pool.read(files, PoolFormat.checkName(name));
        PoolGet.Summary s = common.withProgress(pr -> PoolGet.get(files, r, new SegmentReader(fetch), sources, out, t,
                SystemRecompressors.INSTANCE, pr));
        if (temporaryCache != null) {
            deleteTree(temporaryCache);
        }
        if (files instanceof HttpPoolFiles h && !common.quiet) {
            spec.commandLine().getOut().printf(Locale.ROOT, "fetched %s (%d bytes) in %d requests%n",
                    ByteSize.format(h.received()), h.received(), h.requests());
        }
        if (!common.quiet) {
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "wrote %s (%d bytes): %s from sources, %s from the pool, in %.1f s, sha256 %s (verified)%n",
                    ByteSize.format(r.length()), r.length(), ByteSize.format(s.fromSources()),
                    ByteSize.format(s.fromPool()), (System.nanoTime() - t0) / 1e9, Sha256.hex(r.sha256()));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }
}
