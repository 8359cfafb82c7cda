package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Errors that picocli does not hand to the {@link ErrorReporter}: an OutOfMemoryError from a command (what a
 * 4.4 GB image did to {@code diff} under its default heap) must end as one line and exit 1, not as a stack
 * trace out of main.
 */
class MainErrorTest {
    @Command(name = "toy")
    static final class Toy implements Callable<Integer> {
        @Option(names = "--debug")
        boolean debug;

        final Error error;

        Toy(Error error) {
            this.error = error;
        }

        @Override
        public Integer call() {
            throw error;
        }
    }

    private static String[] run(Error error, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Toy(error));
        cl.setExecutionExceptionHandler(new ErrorReporter());
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int code = Main.execute(cl, args);
        return new String[] {String.valueOf(code), err.toString()};
    }

    @Test
    void outOfMemoryIsOneLineAndExitOne() {
        String[] r = run(new OutOfMemoryError("Java heap space"));
        assertEquals("1", r[0]);
        assertEquals(1, r[1].lines().count(), r[1]);
        assertTrue(r[1].startsWith("spindelta: out of memory: "), r[1]);
    }

    @Test
    void debugAddsTheTrace() {
        String[] r = run(new OutOfMemoryError("Java heap space"), "--debug");
        assertEquals("1", r[0]);
        assertTrue(r[1].startsWith("spindelta: out of memory: "), r[1]);
        assertTrue(r[1].contains("\tat "), r[1]);
    }

    @Test
    void stackOverflowIsOneLineToo() {
        String[] r = run(new StackOverflowError());
        assertEquals("1", r[0]);
        assertEquals(1, r[1].lines().count(), r[1]);
        assertTrue(r[1].startsWith("spindelta: "), r[1]);
    }
}
