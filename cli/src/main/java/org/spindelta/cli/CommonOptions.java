package org.spindelta.cli;

import org.spindelta.core.Progress;
import picocli.CommandLine.Option;

/** Options every subcommand takes. */
final class CommonOptions {
    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;

    /** Work that reports progress. */
    @FunctionalInterface
    interface Task<T> {
        T run(Progress progress) throws Exception;
    }

    /** Runs {@code task} with a progress bar on a terminal (none with -q or when not a terminal). */
    <T> T withProgress(Task<T> task) throws Exception {
        if (quiet || System.console() == null) {
            return task.run(Progress.NONE);
        }
        try (TerminalProgress bar = new TerminalProgress()) {
            return task.run(bar);
        }
    }
}
