package org.spindelta.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point: builds the command line and maps failures to exit codes in one place. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        NativeWarmup.start();
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one invocation; tests call this with their own writers. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** The command line for {@code args}; see {@link CommandTree} for why it depends on them. */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = CommandTree.forArgs(args);
        cl.setExecutionExceptionHandler(new ErrorReporter());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
