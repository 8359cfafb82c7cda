package org.spindelta.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The one command users type; work is done by its subcommands. */
@Command(
        name = "spindelta",
        mixinStandardHelpOptions = true,
        versionProvider = SpindeltaCommand.Version.class,
        description = "Small patches and jigdo templates for compressed live images.",
        subcommands = {DiffCommand.class, ApplyCommand.class, ExplainCommand.class, BsdiffCommand.class, BspatchCommand.class, SqfsCommand.class, JigdoCommand.class, PoolCommand.class, picocli.CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:error (bad input, verification failure, I/O)", "2:usage error"})
public final class SpindeltaCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required");
    }

    /** The version Maven wrote into the jar manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SpindeltaCommand.class.getPackage().getImplementationVersion();
            return new String[] {"spindelta " + (v == null ? "(development build)" : v)};
        }
    }
}
