package org.spindelta.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code spindelta jigdo ...}: jigdo template commands; the work is in the subcommands. */
@Command(name = "jigdo", mixinStandardHelpOptions = true,
        description = "Make, rebuild, verify, list, serve and get (download) jigdo images and templates (jigdo-file, xorriso/libjte and "
                + "genisoimage formats 1.x and 2.0).")
final class JigdoCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required");
    }
}
