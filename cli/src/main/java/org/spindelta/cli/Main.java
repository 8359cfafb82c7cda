package org.spindelta.cli;

import java.io.PrintWriter;
import java.util.Arrays;
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
        return execute(cl, args);
    }

    /**
     * {@code cl.execute(args)}, except that picocli hands only Exceptions to the {@link ErrorReporter}: an
     * OutOfMemoryError (the input's size meeting the heap) or a StackOverflowError would leave main as a
     * stack trace. They get the same one-line message and exit code; the trace only with --debug.
     */
    static int execute(CommandLine cl, String[] args) {
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            PrintWriter err = cl.getErr();
            err.println("spindelta: " + ErrorReporter.describe(e));
            if (Arrays.asList(args).contains("--debug")) {
                e.printStackTrace(err);
            }
            err.flush();
            return ErrorReporter.EXIT_ERROR;
        }
    }

    /** The command line for {@code args}; see {@link CommandTree} for why it depends on them. */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = CommandTree.forArgs(args);
        cl.setExecutionExceptionHandler(new ErrorReporter());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
