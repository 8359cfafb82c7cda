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
import org.spindelta.jigdo.rebuild.ByteRange;
import org.spindelta.jigdo.rebuild.ImageAssembler;
import org.spindelta.jigdo.rebuild.MakeImage;
import org.spindelta.jigdo.rebuild.MissingPartsException;
import org.spindelta.jigdo.rebuild.PartSources;
import org.spindelta.jigdo.rebuild.RebuildInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code spindelta jigdo make-image JIGDO_OR_TEMPLATE [--source ...] OUT}: rebuilds the image (or a byte
 * range of it) from a template and local part files; {@code --size} prints the image's length.
 */
@Command(name = "make-image", mixinStandardHelpOptions = true,
        description = {"Rebuild the image a .jigdo file or template describes from local files.",
            "Every part is located before anything is written (missing ones are listed on stdout); parts and "
                    + "the image are verified by checksum; OUT appears only when complete and verified."})
final class JigdoMakeImageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--source", paramLabel = "LABEL=DIR|DIR|FILE",
            description = {"Where parts are: LABEL=DIR maps a .jigdo label (before its [Servers] entries); a DIR is "
                + "searched for files of the needed sizes and checksums; a FILE is a candidate part. Repeatable."})
    List<String> sources = new ArrayList<>();

    @Option(names = "--template", paramLabel = "FILE",
            description = "The template, instead of the one the .jigdo file's [Image] Template names (looked for beside it).")
    Path template;

    @Option(names = "--range", paramLabel = "START-END",
            description = "Write only image bytes START to END (inclusive, as in HTTP), exactly; part checksums "
                    + "and the image checksum cannot be verified for a range, part lengths are.")
    String range;

    @Option(names = "--size", description = "Print the image's length in bytes, from the template alone, and exit.")
    boolean size;

    @Parameters(index = "0", paramLabel = "JIGDO_OR_TEMPLATE", description = "A .jigdo file (plain or gzip) or a .template file.")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT", arity = "0..1", description = "The image (or range) to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!size && out == null) {
            throw new ParameterException(spec.commandLine(), "OUT is required (or --size)");
        }
        ByteRange r = range == null ? null : ByteRange.parse(range);
        PartSources parts = PartSources.parse(sources);
        PrintWriter stdout = spec.commandLine().getOut();
        try (RebuildInput in = RebuildInput.open(input, Optional.ofNullable(template))) {
            if (size) {
                stdout.println(in.template().imageLength());
                stdout.flush();
                return 0;
            }
            long t0 = System.nanoTime();
            try {
                if (r != null) {
                    common.withProgress(p -> {
                        MakeImage.range(in, parts, r, out, p);
                        return null;
                    });
                    summary(stdout, "wrote bytes " + r.first() + "-" + r.last() + " of the image to " + out + " ("
                            + r.length() + " bytes)", t0);
                } else {
                    ImageAssembler.Result res = common.withProgress(p -> MakeImage.image(in, parts, out, p));
                    summary(stdout, String.format(Locale.ROOT, "wrote %s (%s, %d bytes), %s %s (verified against the template)",
                            out, ByteSize.format(res.length()), res.length(), in.template().checksumKind().label(),
                            Sha256.hex(res.checksum())), t0);
                }
            } catch (MissingPartsException e) {
                e.missing().forEach(m -> stdout.println("missing: " + m));
                stdout.flush();
                throw e;
            }
        }
        return 0;
    }

    private void summary(PrintWriter stdout, String what, long t0) {
        if (!common.quiet) {
            stdout.printf(Locale.ROOT, "%s in %.1f s%n", what, (System.nanoTime() - t0) / 1e9);
            stdout.flush();
        }
    }
}
