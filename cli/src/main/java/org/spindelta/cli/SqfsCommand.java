package org.spindelta.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.spindelta.core.FormatException;
import org.spindelta.squashfs.read.SquashfsImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code spindelta sqfs ...}: SquashFS image commands; the work is in the subcommands. */
@Command(name = "sqfs", mixinStandardHelpOptions = true,
        description = "Inspect SquashFS 4.0 images (gzip, lzma, lzo, xz, lz4 and zstd).")
final class SqfsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required");
    }

    /** Opens IMAGE for a subcommand; "not a SquashFS image" errors name the file. */
    static SquashfsImage open(Path image) throws IOException {
        try {
            return SquashfsImage.open(image);
        } catch (FormatException e) {
            throw new FormatException(image + ": " + e.getMessage());
        }
    }
}
