package org.spindelta.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.spindelta.squashfs.extract.ExtractOptions;
import org.spindelta.squashfs.extract.ExtractSummary;
import org.spindelta.squashfs.extract.TreeExtractor;
import org.spindelta.squashfs.read.SquashfsImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code spindelta sqfs extract [--threads N] IMAGE DIR [PATH...]}: the image's files (or the PATHs and
 * the directories leading to them) written into DIR, as {@code unsquashfs -d DIR IMAGE [PATH...]} does.
 * Prints the summary on stdout (unless -q) and, on stderr, a warning line for each kind of thing left out
 * (device nodes, owners, xattrs an ordinary user cannot create).
 */
@Command(name = "extract", mixinStandardHelpOptions = true,
        description = {"Extract an image's files into DIR like 'unsquashfs -d DIR IMAGE [PATH...]': contents, modes, "
                + "times, symlinks, hard links and, as root, owners, xattrs and device nodes.",
            "DIR must not exist or be empty; it appears only when extraction succeeded, and nothing is ever written "
                    + "outside it (names are checked, symlinks are never followed)."})
final class SqfsExtractCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads decoding and writing file data (default: all cores).")
    Integer threads;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "A SquashFS image file.")
    Path image;

    @Parameters(index = "1", paramLabel = "DIR", description = "The directory to create (or an empty one).")
    Path dir;

    @Parameters(index = "2..*", arity = "0..*", paramLabel = "PATH",
            description = "Files or directories of the image to extract, with the directories leading to them "
                    + "(default: everything).")
    List<String> paths = List.of();

    @Override
    public Integer call() throws Exception {
        ExtractOptions o = ExtractOptions.defaults();
        try {
            if (threads != null) {
                o = o.withThreads(threads);
            }
            o = o.withPaths(paths);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ExtractOptions options = o;
        SquashfsImage img = SqfsCommand.open(image);
        ExtractSummary s;
        try (img) {
            s = common.withProgress(p -> TreeExtractor.extract(img, dir, options, p));
        }
        PrintWriter err = spec.commandLine().getErr();
        for (String note : s.notes()) {
            err.println("spindelta: warning: " + note);
        }
        err.flush();
        if (!common.quiet) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(s + " into " + dir);
            out.flush();
        }
        return 0;
    }
}
