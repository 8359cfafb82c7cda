package org.spindelta.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns any failure of a subcommand into one line on stderr and exit code 1; the stack trace only
 * with {@code --debug}. Usage errors (exit 2) are picocli's own.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
    static final int EXIT_ERROR = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        boolean debug = parsed.hasMatchedOption("--debug")
                || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--debug"));
        Throwable e = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        cl.getErr().println("spindelta: " + describe(e));
        if (debug) {
            e.printStackTrace(cl.getErr());
        }
        cl.getErr().flush();
        return EXIT_ERROR;
    }

    static String describe(Throwable e) {
        if (e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory: lower --memory or raise the JVM heap with SPINDELTA_JAVA_OPTS=-Xmx...";
        }
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file";
        }
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        if (e instanceof FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() == null ? "file system error" : f.getReason());
        }
        if (e instanceof IOException) {
            String m = e.getMessage();
            return m == null ? e.getClass().getSimpleName() : m;
        }
        return "internal error: " + e + " (rerun with --debug and report it)";
    }
}
