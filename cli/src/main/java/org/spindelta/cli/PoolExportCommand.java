package org.spindelta.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.spindelta.core.ByteSize;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.make.MakeTemplate;
import org.spindelta.jigdo.make.PoolTemplate;
import org.spindelta.jigdo.match.ChecksumList;
import org.spindelta.jigdo.template.TemplateOptions;
import org.spindelta.squashfs.pool.Pool;
import org.spindelta.squashfs.pool.PoolFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code spindelta pool export POOL NAME DIR}: an image of the pool as a .jigdo/.template pair. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write image NAME of POOL as DIR/NAME.jigdo and DIR/NAME.template for jigdo clients "
                + "(jigdo-lite, jigdo-file, spindelta jigdo get), with its parts, the pool's chunks as they are in "
                + "the image, in DIR/parts/ named by SHA-256.",
            "Images exported into one DIR share the parts they have in common; publish DIR as static files."})
final class PoolExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "POOL", description = "The pool directory.")
    Path pool;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Parameters(index = "2", paramLabel = "DIR", description = "Where the .jigdo, the .template and parts/ go.")
    Path dir;

    @Option(names = "--uri", paramLabel = "URI", description = "Where clients fetch DIR (its parts/ below it), "
            + "written to [Servers] as the Pool label (repeatable; default: DIR as a file: URI).")
    List<String> uris = new ArrayList<>();

    @Option(names = "--source", paramLabel = "IMAGE", arity = "1..*",
            description = "Images you already have: the rebuild reads chunks they hold from them.")
    List<Path> sources = new ArrayList<>();

    @Option(names = "--checksum", paramLabel = "md5|sha256", defaultValue = "md5",
            description = "md5 (format 1.2, what jigdo-file reads; default) or sha256 (format 2.0).")
    String checksum;

    @Option(names = {"--min-length", "--min-size"}, paramLabel = "BYTES", defaultValue = "1024",
            description = "Smallest piece made a part; shorter ones stay in the template (default: ${DEFAULT-VALUE}).")
    long minSize;

    @Option(names = "--gzip", description = "Write the .jigdo gzip-compressed.")
    boolean gzip;

    @Option(names = "--threads", paramLabel = "N", description = "Threads of the rebuild (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        ChecksumKind kind = JigdoMakeTemplateCommand.checksumKind(spec, checksum);
        if (minSize < 1) {
            throw new ParameterException(spec.commandLine(), "--min-length must be at least 1");
        }
        Map<String, List<String>> servers = new LinkedHashMap<>();
        if (!uris.isEmpty()) {
            servers.put(PoolTemplate.LABEL, uris);
        }
        MakeTemplate.Options o = new MakeTemplate.Options(List.of(), servers, minSize, List.of(), ChecksumList.empty(),
                TemplateOptions.of(kind).withCreator(JigdoMakeTemplateCommand.creator()), gzip, Optional.empty(),
                Optional.empty(), threads != null ? threads : Runtime.getRuntime().availableProcessors());
        long t0 = System.nanoTime();
        Pool p = Pool.open(pool, false);
        String n = PoolFormat.checkName(name);
        PoolTemplate.Result r = common.withProgress(pr -> PoolTemplate.export(p, n, dir, sources, o, pr));
        if (!common.quiet) {
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "wrote %s and %s (%s) for a %s image: %d of %d pieces are parts (%s; %d part files new), %s kept "
                            + "in the template, in %.1f s%n",
                    r.jigdo(), r.template(), ByteSize.format(r.summary().templateLength()),
                    ByteSize.format(r.summary().imageLength()), r.parts(), r.pieces(), ByteSize.format(r.partBytes()),
                    r.partsWritten(), ByteSize.format(r.summary().unmatchedBytes()), (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }
}
