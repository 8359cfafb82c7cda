package org.spindelta.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.spindelta.core.ByteSize;
import org.spindelta.core.Sha256;
import org.spindelta.jigdo.fetch.GetImage;
import org.spindelta.jigdo.fetch.GetOptions;
import org.spindelta.jigdo.fetch.PartsUnavailableException;
import org.spindelta.jigdo.rebuild.PartSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code spindelta jigdo get JIGDO_URL_OR_FILE [--source ...] [-o OUT] [--cache DIR] [--connections N]}:
 * the template, local parts, the rest from the {@code [Servers]} mirrors, the image verified.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = {"Download the image a .jigdo file describes: the template, then every part found locally "
                + "(--source, the cache of an earlier run), then the rest from the [Servers] mirrors, several at once.",
            "Each part is verified before it is kept in the cache (OUT.parts/ or --cache), so a run that is stopped "
                    + "resumes where it was; OUT appears only when complete and verified."})
final class JigdoGetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--source", paramLabel = "LABEL=DIR|DIR|FILE",
            description = {"Where parts may already be: LABEL=DIR maps a .jigdo label; a DIR (an older image's "
                + "files, a mounted image) is searched for files of the needed sizes and checksums; a FILE (a base "
                + "image) is a candidate. Repeatable."})
    List<String> sources = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "The image to write (default: the .jigdo file's [Image] Filename in the current directory).")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Keep verified parts here, and keep them after success (default: OUT.parts, removed once OUT is verified).")
    Path cache;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "" + GetOptions.DEFAULT_CONNECTIONS,
            description = "Parts downloaded at once, " + GetOptions.MIN_CONNECTIONS + " to " + GetOptions.MAX_CONNECTIONS
                    + " (default: ${DEFAULT-VALUE}).")
    int connections;

    @Parameters(index = "0", paramLabel = "JIGDO_URL_OR_FILE", description = "The .jigdo file (plain or gzip): an http(s) URL or a file.")
    String jigdo;

    @Override
    public Integer call() throws Exception {
        GetOptions options = GetOptions.defaults().withConnections(connections).withCache(Optional.ofNullable(cache));
        PartSources parts = PartSources.parse(sources);
        PrintWriter stdout = spec.commandLine().getOut();
        GetImage get = GetImage.open(jigdo, options);
        Path target = out != null ? out : Path.of(get.imageFilename());
        long t0 = System.nanoTime();
        GetImage.Result r;
        try {
            r = common.withProgress(p -> get.run(target, parts, options, p));
        } catch (PartsUnavailableException e) {
            e.failures().forEach(f -> stdout.println("failed: " + f));
            stdout.flush();
            throw e;
        }
        if (!common.quiet) {
            double s = (System.nanoTime() - t0) / 1e9;
            stdout.printf(Locale.ROOT, "wrote %s (%s), checksum %s verified against the template; parts: %d local (%s), "
                    + "%d cached (%s), %d downloaded (%s) in %.1f s, %s/s%n", target, ByteSize.format(r.length()),
                    Sha256.hex(r.checksum()),
                    r.localParts(), ByteSize.format(r.localBytes()), r.cachedParts(), ByteSize.format(r.cachedBytes()),
                    r.downloadedParts(), ByteSize.format(r.downloadedBytes()), s,
                    ByteSize.format((long) (r.downloadedBytes() / Math.max(s, 1e-3))));
            stdout.flush();
        }
        return 0;
    }
}
