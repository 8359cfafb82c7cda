package org.spindelta.cli;

import org.spindelta.core.Progress;
import picocli.CommandLine.Option;

/** Options every subcommand takes. */
final class CommonOptions {
    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;

    Progress progress() {
        return quiet || System.console() == null ? Progress.NONE : new TerminalProgress();
    }
}
