package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as a user meets it: exit codes, one-line errors, help, and a real round trip. */
class CliTest {
    @TempDir
    Path dir;

    /** One invocation's exit code and what it printed. */
    record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            code = Main.run(args, o, e);
        }
        return new Run(code, out.toString(), err.toString());
    }

    /** A user-facing error: exit 1, exactly one line "spindelta: ...", no Java noise. */
    static void assertOneLineError(Run r, String... mustContain) {
        assertEquals(1, r.code(), r::toString);
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), () -> "stderr must be exactly one line:\n" + r);
        String line = lines.get(0);
        assertTrue(line.startsWith("spindelta: "), () -> "stderr must start with 'spindelta: ':\n" + r);
        assertFalse(line.contains("Exception"), () -> "no exception class names for users:\n" + r);
        assertFalse(line.contains("at org."), () -> "no stack frames for users:\n" + r);
        assertFalse(line.contains("internal error"), () -> "a bad input is not an internal error:\n" + r);
        for (String s : mustContain) {
            assertTrue(line.contains(s), () -> "stderr should mention '" + s + "':\n" + r);
        }
    }

    // ------------------------------------------------------------------ data

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    /** A new version of {@code old}: scattered byte edits and an inserted run of fresh bytes. */
    static byte[] edited(byte[] old, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] b = old.clone();
        for (int i = 0; i < b.length / 500; i++) {
            b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
        }
        byte[] fresh = random(3000, seed + 1);
        byte[] out = new byte[b.length + fresh.length];
        int at = b.length / 3;
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(fresh, 0, out, at, fresh.length);
        System.arraycopy(b, at, out, at + fresh.length, b.length - at);
        return out;
    }

    private Path write(String name, byte[] data) throws IOException {
        return Files.write(dir.resolve(name), data);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ------------------------------------------------------------------ version, usage, help

    @Test
    void versionExitsZero() {
        Run r = run("--version");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("spindelta"), r::toString);
        assertEquals("", r.err(), r::toString);
    }

    @Test
    void noArgumentsIsAUsageError() {
        Run r = run();
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("subcommand"), r::toString);
    }

    @ParameterizedTest(name = "unknown option/command {0} -> exit 2")
    @ValueSource(strings = {"--frobnicate", "-Z", "frobnicate"})
    void unknownOptionIsAUsageError(String arg) {
        Run r = run(arg);
        assertEquals(2, r.code(), r::toString);
        assertFalse(r.err().isEmpty(), r::toString);
        assertFalse(r.err().contains("at org."), r::toString);
    }

    @Test
    void unknownSubcommandOptionIsAUsageError() {
        Run r = run("bspatch", "--frobnicate", "a", "b", "c");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("--frobnicate"), r::toString);
    }

    @ParameterizedTest(name = "bsdiff with {0} parameter(s) -> exit 2")
    @ValueSource(ints = {0, 1, 2})
    void bsdiffWithMissingParametersIsAUsageError(int given) {
        String[] args = new String[1 + given];
        args[0] = "bsdiff";
        for (int i = 0; i < given; i++) {
            args[1 + i] = dir.resolve("f" + i).toString();
        }
        Run r = run(args);
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("Missing required parameter"), r::toString);
    }

    @ParameterizedTest(name = "bspatch with {0} parameter(s) -> exit 2")
    @ValueSource(ints = {0, 1, 2})
    void bspatchWithMissingParametersIsAUsageError(int given) {
        String[] args = new String[1 + given];
        args[0] = "bspatch";
        for (int i = 0; i < given; i++) {
            args[1 + i] = dir.resolve("f" + i).toString();
        }
        Run r = run(args);
        assertEquals(2, r.code(), r::toString);
    }

    @Test
    void tooManyParametersIsAUsageError() {
        Run r = run("bsdiff", "a", "b", "c", "d");
        assertEquals(2, r.code(), r::toString);
    }

    @ParameterizedTest(name = "{0} --help exits 0")
    @ValueSource(strings = {"", "bsdiff", "bspatch", "help"})
    void helpOnEveryCommand(String sub) {
        Run r = sub.isEmpty() ? run("--help") : run(sub, "--help");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Usage"), r::toString);
        assertEquals("", r.err(), r::toString);
    }

    @ParameterizedTest(name = "help {0} exits 0")
    @ValueSource(strings = {"bsdiff", "bspatch"})
    void helpSubcommand(String sub) {
        Run r = run("help", sub);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains(sub), r::toString);
    }

    @Test
    void helpListsTheSubcommandsAndExitCodes() {
        Run r = run("--help");
        assertTrue(r.out().contains("bsdiff") && r.out().contains("bspatch"), r::toString);
        assertTrue(r.out().contains("Exit codes"), r::toString);
    }

    // ------------------------------------------------------------------ errors users see

    @Test
    void garbagePatchIsOneLineAndExitOne() throws IOException {
        Path old = write("old", random(10_000, 1));
        Path patch = write("patch", random(5000, 2));
        Path out = dir.resolve("new");
        Run r = run("bspatch", "-q", old.toString(), patch.toString(), out.toString());
        assertOneLineError(r, "not a bsdiff patch");
        assertFalse(Files.exists(out));
        assertEquals(List.of("old", "patch"), files(), "no output and no temporary file");
    }

    @Test
    void debugPrintsTheStackTrace() throws IOException {
        Path old = write("old", random(10_000, 1));
        Path patch = write("patch", random(5000, 2));
        Path out = dir.resolve("new");
        Run r = run("bspatch", "--debug", old.toString(), patch.toString(), out.toString());
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.errLines().get(0).startsWith("spindelta: "), r::toString);
        assertTrue(r.err().contains("FormatException"), r::toString);
        assertTrue(r.err().contains("at org.spindelta."), r::toString);
        assertFalse(Files.exists(out));
    }

    @Test
    void missingOldIsOneLineNamingIt() throws IOException {
        Path patch = write("patch", random(5000, 2));
        Path old = dir.resolve("no-such-old.img");
        Run r = run("bspatch", "-q", old.toString(), patch.toString(), dir.resolve("new").toString());
        assertOneLineError(r, "no-such-old.img");
    }

    @Test
    void unknownFormatListsTheFormats() throws IOException {
        Path old = write("old", random(1000, 1));
        Path nw = write("new", random(1000, 2));
        Run r = run("bsdiff", "--format", "nope", old.toString(), nw.toString(), dir.resolve("p").toString());
        assertTrue(r.code() == 1 || r.code() == 2, r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        for (String f : new String[] {"nope", "bsdiff40", "spdw-xz", "spdw-zstd"}) {
            assertTrue(r.err().contains(f), () -> "message should list " + f + ":\n" + r);
        }
        assertFalse(Files.exists(dir.resolve("p")));
    }

    @Test
    void readOnlyFormatIsRefusedForBsdiff() throws IOException {
        Path old = write("old", random(1000, 1));
        Path nw = write("new", random(1000, 2));
        Run r = run("bsdiff", "--format", "bsdiff43", old.toString(), nw.toString(), dir.resolve("p").toString());
        assertOneLineError(r, "bsdiff43");
        assertFalse(Files.exists(dir.resolve("p")));
    }

    @ParameterizedTest(name = "bsdiff --memory {0} is refused naming the size")
    @ValueSource(strings = {"12X", "lots", "-5M", ""})
    void badMemorySizeIsNamed(String size) throws IOException {
        Path old = write("old", random(1000, 1));
        Path nw = write("new", random(1000, 2));
        Run r = run("bsdiff", "--memory", size, old.toString(), nw.toString(), dir.resolve("p").toString());
        assertNotEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("'" + size + "'"), () -> "message should quote the size:\n" + r);
        assertFalse(r.err().contains("at org."), r::toString);
        assertFalse(Files.exists(dir.resolve("p")));
    }

    @Test
    void memoryAboveTheHeapIsOneLine() throws IOException {
        Path old = write("old", random(1000, 1));
        Path nw = write("new", random(1000, 2));
        long tooMuch = Runtime.getRuntime().maxMemory() / (1 << 20) + 1024;
        Run r = run("bsdiff", "-q", "--memory", tooMuch + "M", old.toString(), nw.toString(),
                dir.resolve("p").toString());
        assertOneLineError(r, "--memory", "heap");
        assertFalse(Files.exists(dir.resolve("p")));
    }

    @ParameterizedTest(name = "{0} --threads 0 is refused")
    @ValueSource(strings = {"bsdiff", "bspatch"})
    void zeroThreadsIsRefused(String sub) throws IOException {
        Path a = write("a", random(1000, 1));
        Path b = write("b", random(1000, 2));
        Run r = run(sub, "-q", "--threads", "0", a.toString(), b.toString(), dir.resolve("c").toString());
        assertOneLineError(r, "threads");
        assertFalse(Files.exists(dir.resolve("c")));
    }

    @Test
    void patchForAnotherOldIsOneLine() throws IOException {
        byte[] oldBytes = random(200_000, 5);
        Path old = write("old", oldBytes);
        Path nw = write("new", edited(oldBytes, 6));
        Path patch = dir.resolve("patch");
        assertEquals(0, run("bsdiff", "-q", old.toString(), nw.toString(), patch.toString()).code());
        Path other = write("other", random(200_000, 7));
        Path out = dir.resolve("result");
        Run r = run("bspatch", "-q", other.toString(), patch.toString(), out.toString());
        assertOneLineError(r, "another OLD");
        assertFalse(Files.exists(out));
    }

    // ------------------------------------------------------------------ round trip

    @ParameterizedTest(name = "bsdiff --format {0} then bspatch, quiet: byte-identical")
    @ValueSource(strings = {"bsdiff40", "spdw-xz", "spdw-zstd"})
    void roundTrip(String format) throws IOException {
        byte[] oldBytes = random(300_000, 11);
        byte[] newBytes = edited(oldBytes, 12);
        Path old = write("old.bin", oldBytes);
        Path nw = write("new.bin", newBytes);
        Path patch = dir.resolve("update.patch");
        Path result = dir.resolve("result.bin");

        Run d = run("bsdiff", "-q", "--format", format, old.toString(), nw.toString(), patch.toString());
        assertEquals(0, d.code(), d::toString);
        assertEquals("", d.err(), d::toString);
        assertTrue(Files.size(patch) < newBytes.length / 4, "a small edit gives a small patch");

        Run p = run("bspatch", "-q", old.toString(), patch.toString(), result.toString());
        assertEquals(0, p.code(), p::toString);
        assertEquals("", p.err(), p::toString);
        assertArrayEquals(newBytes, Files.readAllBytes(result));
        assertArrayEquals(oldBytes, Files.readAllBytes(old), "OLD unchanged");
        assertEquals(List.of("new.bin", "old.bin", "result.bin", "update.patch"), files(), "no temporary files left");
    }

    @Test
    void notQuietReportsWhatWasDone() throws IOException {
        byte[] oldBytes = random(50_000, 21);
        Path old = write("old", oldBytes);
        Path nw = write("new", edited(oldBytes, 22));
        Path patch = dir.resolve("patch");
        Run d = run("bsdiff", old.toString(), nw.toString(), patch.toString());
        assertEquals(0, d.code(), d::toString);
        assertFalse(d.out().isBlank(), d::toString);
        Run p = run("bspatch", old.toString(), patch.toString(), dir.resolve("result").toString());
        assertEquals(0, p.code(), p::toString);
        assertTrue(p.out().contains("bsdiff40") && p.out().contains("verified"), p::toString);
        assertArrayEquals(Files.readAllBytes(nw), Files.readAllBytes(dir.resolve("result")));
        assertEquals("", p.err(), p::toString);
    }
}
