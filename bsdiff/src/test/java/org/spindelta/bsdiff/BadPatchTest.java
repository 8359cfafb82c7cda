package org.spindelta.bsdiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.spindelta.bsdiff.HostilePatches.NEGATIVE_ZERO_BITS;
import static org.spindelta.bsdiff.HostilePatches.bsdiff40;
import static org.spindelta.bsdiff.HostilePatches.bsdiff40Raw;
import static org.spindelta.bsdiff.HostilePatches.bsdiff43;
import static org.spindelta.bsdiff.HostilePatches.bzip2;
import static org.spindelta.bsdiff.HostilePatches.concat;
import static org.spindelta.bsdiff.HostilePatches.filled;
import static org.spindelta.bsdiff.HostilePatches.raw;
import static org.spindelta.bsdiff.HostilePatches.repeat;
import static org.spindelta.bsdiff.HostilePatches.sm;
import static org.spindelta.bsdiff.HostilePatches.spdwEdit;
import static org.spindelta.bsdiff.HostilePatches.spdwEntry;
import static org.spindelta.bsdiff.HostilePatches.spdwRecord;
import static org.spindelta.bsdiff.HostilePatches.trailer;
import static org.spindelta.bsdiff.HostilePatches.triple;
import static org.spindelta.bsdiff.HostilePatches.triples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;
import org.spindelta.bsdiff.HostilePatches.Bsdiff40Layout;
import org.spindelta.bsdiff.apply.ApplyOptions;
import org.spindelta.bsdiff.apply.ApplyResult;
import org.spindelta.bsdiff.apply.BsPatch;
import org.spindelta.bsdiff.format.FormatConstants;
import org.spindelta.bsdiff.format.PatchFormat;
import org.spindelta.bsdiff.format.SpdwHeader;
import org.spindelta.bsdiff.generate.BsDiff;
import org.spindelta.bsdiff.generate.DiffOptions;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FormatException;
import org.spindelta.core.LimitExceededException;
import org.spindelta.core.LittleEndian;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.UnsupportedFormatException;
import org.spindelta.core.VerificationException;

/**
 * Hostile, damaged and misdirected patches: every one must fail with the right member of the
 * exception family and a message naming the problem, quickly, leaving no output, no temporary file
 * and the inputs untouched.
 */
class BadPatchTest {
    /** Generous bound for every apply; a hostile patch must never hang the applier. */
    private static final Duration APPLY_LIMIT = Duration.ofSeconds(60);
    /** Crafted patches are tiny: anything slower means the applier trusted a size. */
    private static final Duration CRAFTED_LIMIT = Duration.ofSeconds(10);

    /** Inputs of the real patches: text-like data and an edited copy (diff, extra and seeks all in play). */
    static final byte[] OLD = TestData.textLike(300_000, 41);
    static final byte[] NEW = TestData.edited(OLD, 42);

    /** OLD of the crafted patches. */
    static final byte[] SMALL_OLD = TestData.random(10_000, 43);

    private static final Map<String, byte[]> REAL = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    private Path inDir;
    private Path outDir;
    private Path oldFile;
    private Path patchFile;
    private Path outFile;
    /** What a damaged patch would have produced intact; only used to describe an apply that should have failed. */
    private byte[] intactNew = NEW;

    @BeforeEach
    void layout() throws IOException {
        inDir = Files.createDirectory(dir.resolve("in"));
        outDir = Files.createDirectory(dir.resolve("out"));
        oldFile = inDir.resolve("old.img");
        patchFile = inDir.resolve("update.patch");
        outFile = outDir.resolve("new.img");
    }

    // ================================================================== what a failure must look like

    /** Which member of the exception family a case expects. */
    enum Expect {
        FORMAT(FormatException.class),
        CORRUPT(CorruptInputException.class),
        VERIFY(VerificationException.class),
        UNSUPPORTED(UnsupportedFormatException.class),
        /** A flipped data byte: caught by the stream's CRC, or by the SHA-256 of NEW. */
        CORRUPT_OR_VERIFY(null);

        final Class<? extends SpindeltaException> type;

        Expect(Class<? extends SpindeltaException> type) {
            this.type = type;
        }

        void check(SpindeltaException e) {
            boolean ok = type == null
                    ? e instanceof CorruptInputException || e instanceof VerificationException
                    : type.isInstance(e);
            if (!ok) {
                throw new AssertionFailedError("expected " + this + " but got " + e.getClass().getSimpleName() + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** Writes OLD and PATCH, applies, and checks the failure and that nothing was left behind. */
    private SpindeltaException applyFails(byte[] old, byte[] patch, Expect expect, Duration limit, String... anyOf)
            throws IOException {
        Files.write(oldFile, old);
        Files.write(patchFile, patch);
        ApplyResult r;
        try {
            r = assertTimeoutPreemptively(limit,
                    () -> BsPatch.apply(oldFile, patchFile, outFile, ApplyOptions.defaults(), Progress.NONE));
        } catch (AssertionFailedError timeout) {
            throw timeout;
        } catch (Throwable t) {
            if (!(t instanceof SpindeltaException e)) {
                throw new AssertionFailedError("expected " + expect + " but " + t.getClass().getName()
                        + " escaped: " + t.getMessage(), t);
            }
            expect.check(e);
            assertMessage(e, anyOf);
            assertNothingLeft(old, patch);
            return e;
        }
        throw new AssertionFailedError("expected " + expect + " but the patch applied: " + describeOutput(r));
    }

    /** For a damaged patch that applied anyway: was the result right (damage unnoticed) or wrong (silent corruption)? */
    private String describeOutput(ApplyResult r) throws IOException {
        if (!Files.exists(outFile)) {
            return "yet no output exists";
        }
        byte[] got = Files.readAllBytes(outFile);
        String verified = r.checksumVerified() ? "checksum-verified" : "NOT checksum-verified";
        if (Arrays.equals(got, intactNew)) {
            return "wrote the true NEW (" + verified + "): the damage went unnoticed";
        }
        int diff = 0;
        for (int i = 0; i < Math.min(got.length, intactNew.length); i++) {
            diff += got[i] != intactNew[i] ? 1 : 0;
        }
        return "wrote " + got.length + " bytes (" + verified + ") differing from the true NEW in " + diff
                + " of its bytes" + (got.length == intactNew.length ? "" : " and in length") + ": SILENT CORRUPTION"
                + " (or, for a crafted patch, an output nobody asked for)";
    }

    private SpindeltaException applyFails(byte[] old, byte[] patch, Expect expect, String... anyOf) throws IOException {
        return applyFails(old, patch, expect, APPLY_LIMIT, anyOf);
    }

    /** The message is one printable line and names the problem (contains one of {@code anyOf}). */
    static void assertMessage(Throwable e, String... anyOf) {
        String m = e.getMessage();
        if (m == null) {
            throw new AssertionFailedError(e.getClass().getSimpleName() + " without a message", e);
        }
        assertFalse(m.contains("\n"), () -> "message spans lines: " + m);
        String lower = m.toLowerCase(Locale.ROOT);
        if (anyOf.length > 0 && Arrays.stream(anyOf).noneMatch(k -> lower.contains(k.toLowerCase(Locale.ROOT)))) {
            throw new AssertionFailedError(e.getClass().getSimpleName() + " message should name the problem (one of "
                    + Arrays.toString(anyOf) + "): " + m, e);
        }
    }

    /** No output, no temporary file beside it or beside the inputs, inputs byte-identical. */
    private void assertNothingLeft(byte[] old, byte[] patch) throws IOException {
        assertFalse(Files.exists(outFile), "output must not exist after a failure");
        assertEquals(List.of(), listNames(outDir), "output directory must hold no leftover (temporary) file");
        assertEquals(List.of("old.img", "update.patch"), listNames(inDir), "input directory must be unchanged");
        assertArrayEquals(old, Files.readAllBytes(oldFile), "OLD must be unchanged");
        assertArrayEquals(patch, Files.readAllBytes(patchFile), "PATCH must be unchanged");
    }

    private static List<String> listNames(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ================================================================== real patches

    /** A real patch of {@link #OLD} to {@link #NEW}; SPDW ones in 64 KiB windows so there are several. */
    static byte[] real(PatchFormat format) {
        return REAL.computeIfAbsent(format.cliName(), k -> make(format));
    }

    /** The real BSDIFF40 patch as a peer bsdiff writes it: no trailer, so no SHA-256 anywhere. */
    static byte[] foreign() {
        return REAL.computeIfAbsent("foreign", k -> HostilePatches.stripTrailer(real(PatchFormat.BSDIFF40)));
    }

    private static byte[] make(PatchFormat format) {
        try {
            Path tmp = Files.createTempDirectory("spindelta-badpatch");
            try {
                Path o = Files.write(tmp.resolve("old"), OLD);
                Path n = Files.write(tmp.resolve("new"), NEW);
                Path p = tmp.resolve("patch");
                DiffOptions opts = DiffOptions.defaults().withFormat(format).withMaxWindow(format.windowed() ? 64 << 10 : 0);
                BsDiff.diff(o, n, p, opts, Progress.NONE);
                return Files.readAllBytes(p);
            } finally {
                try (Stream<Path> s = Files.walk(tmp)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Arguments> realPatches() {
        return Stream.of(
                Arguments.of("bsdiff40", real(PatchFormat.BSDIFF40), true),
                Arguments.of("bsdiff40 without trailer (peer)", foreign(), false),
                Arguments.of("spdw-xz", real(PatchFormat.SPDW_XZ), true),
                Arguments.of("spdw-zstd", real(PatchFormat.SPDW_ZSTD), true),
                Arguments.of("spdw-stored", real(PatchFormat.SPDW_STORED), true));
    }

    /** The baseline: the untouched patches apply, so every failure below is due to the damage alone. */
    @ParameterizedTest(name = "{0} applies")
    @MethodSource("realPatches")
    void realPatchApplies(String name, byte[] patch, boolean verified) throws IOException {
        Files.write(oldFile, OLD);
        Files.write(patchFile, patch);
        ApplyResult r = BsPatch.apply(oldFile, patchFile, outFile, ApplyOptions.defaults(), Progress.NONE);
        assertArrayEquals(NEW, Files.readAllBytes(outFile));
        assertEquals(verified, r.checksumVerified());
        assertEquals(List.of("new.img"), listNames(outDir));
    }

    // ================================================================== not a patch at all

    static Stream<Arguments> notPatches() {
        return Stream.of(
                Arguments.of("empty file", new byte[0]),
                Arguments.of("one byte", new byte[] {'B'}),
                Arguments.of("random garbage", TestData.random(100_000, 51)),
                Arguments.of("text file", ("#!/bin/sh\n# a shell script, not a patch\necho hello\n")
                        .getBytes(StandardCharsets.US_ASCII)),
                Arguments.of("7 bytes of the BSDIFF40 magic", Arrays.copyOf(FormatConstants.BSDIFF40_MAGIC, 7)),
                Arguments.of("15 bytes of the BSDIFF43 magic", Arrays.copyOf(FormatConstants.BSDIFF43_MAGIC, 15)),
                Arguments.of("lower-case magic", "bsdiff40".repeat(10).getBytes(StandardCharsets.US_ASCII)),
                Arguments.of("a bzip2 file", bzip2(TestData.textLike(5000, 52))));
    }

    @ParameterizedTest(name = "{0} -> FormatException")
    @MethodSource("notPatches")
    void notAPatch(String name, byte[] patch) throws IOException {
        applyFails(OLD, patch, Expect.FORMAT, "not a bsdiff patch");
    }

    // ================================================================== truncation

    /** Words a message about a cut-short patch may use. */
    private static final String[] TRUNCATED = {"truncated", "ended", "ends at", "end of stream", "shorter",
        "out of range", "does not fit", "runs past", "not a valid compressed stream"};

    static Stream<Arguments> bsdiff40Cuts() {
        List<Arguments> out = new ArrayList<>();
        for (boolean withTrailer : new boolean[] {true, false}) {
            byte[] p = withTrailer ? real(PatchFormat.BSDIFF40) : foreign();
            String kind = withTrailer ? "bsdiff40" : "bsdiff40 peer";
            Bsdiff40Layout l = HostilePatches.bsdiff40Layout(p);
            Object[][] cuts = {
                {"empty", 0L, Expect.FORMAT},
                {"inside the magic", 5L, Expect.FORMAT},
                {"after the magic", 8L, Expect.CORRUPT},
                {"inside the header", 20L, Expect.CORRUPT},
                {"one byte short of the header", 31L, Expect.CORRUPT},
                {"after the header", 32L, Expect.CORRUPT},
                {"inside the ctrl bzip2 header", l.ctrlStart() + 3, Expect.CORRUPT},
                {"middle of the ctrl stream", (l.ctrlStart() + l.diffStart()) / 2, Expect.CORRUPT},
                {"last byte of the ctrl stream", l.diffStart() - 1, Expect.CORRUPT},
                {"between ctrl and diff", l.diffStart(), Expect.CORRUPT},
                {"middle of the diff stream", (l.diffStart() + l.extraStart()) / 2, Expect.CORRUPT},
                {"last byte of the diff stream", l.extraStart() - 1, Expect.CORRUPT},
                {"between diff and extra", l.extraStart(), Expect.CORRUPT},
                {"inside the extra bzip2 header", l.extraStart() + 2, Expect.CORRUPT},
                {"middle of the extra stream", (l.extraStart() + l.end()) / 2, Expect.CORRUPT},
                {"last 8 bytes of the extra stream", l.end() - 8, Expect.CORRUPT},
                {"last byte of the extra stream", l.end() - 1, Expect.CORRUPT},
            };
            for (Object[] c : cuts) {
                out.add(Arguments.of(kind, c[0], c[1], c[2]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} cut at {2} ({1}) -> {3}")
    @MethodSource("bsdiff40Cuts")
    void truncatedBsdiff40(String kind, String where, long cut, Expect expect) throws IOException {
        byte[] p = kind.equals("bsdiff40") ? real(PatchFormat.BSDIFF40) : foreign();
        applyFails(OLD, HostilePatches.truncate(p, cut), expect,
                expect == Expect.FORMAT ? new String[] {"not a bsdiff patch"} : TRUNCATED);
    }

    static Stream<Arguments> spdwCuts() {
        List<Arguments> out = new ArrayList<>();
        for (PatchFormat f : new PatchFormat[] {PatchFormat.SPDW_XZ, PatchFormat.SPDW_ZSTD}) {
            byte[] p = real(f);
            SpdwHeader h = HostilePatches.spdwHeader(p);
            int last = h.windowCount() - 1;
            long w1 = HostilePatches.spdwWindowStart(p, 1);
            long lastStart = HostilePatches.spdwWindowStart(p, last);
            Object[][] cuts = {
                {"empty", 0L, Expect.FORMAT},
                {"inside the magic", 6L, Expect.FORMAT},
                {"after the magic", 8L, Expect.CORRUPT},
                {"inside the header", 50L, Expect.CORRUPT},
                {"one byte short of the header", 95L, Expect.CORRUPT},
                {"after the header", 96L, Expect.CORRUPT},
                {"inside the window table", 96L + 30, Expect.CORRUPT},
                {"inside the table CRC", h.dataStart() - 2, Expect.CORRUPT},
                {"after the table", h.dataStart(), Expect.CORRUPT},
                {"inside window 0", h.dataStart() + h.windowCompressedLength()[0] / 2, Expect.CORRUPT},
                {"between windows 0 and 1", w1, Expect.CORRUPT},
                {"inside the last window", lastStart + h.windowCompressedLength()[last] / 2, Expect.CORRUPT},
                {"last byte", (long) p.length - 1, Expect.CORRUPT},
            };
            for (Object[] c : cuts) {
                out.add(Arguments.of(f, c[0], c[1], c[2]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} cut at {2} ({1}) -> {3}")
    @MethodSource("spdwCuts")
    void truncatedSpdw(PatchFormat format, String where, long cut, Expect expect) throws IOException {
        applyFails(OLD, HostilePatches.truncate(real(format), cut), expect,
                expect == Expect.FORMAT ? new String[] {"not a bsdiff patch"} : TRUNCATED);
    }

    // ================================================================== flipped bytes

    static Stream<Arguments> flips() {
        List<Arguments> out = new ArrayList<>();
        for (boolean withTrailer : new boolean[] {true, false}) {
            byte[] p = withTrailer ? real(PatchFormat.BSDIFF40) : foreign();
            String kind = withTrailer ? "bsdiff40" : "bsdiff40 peer";
            // with a trailer NEW's SHA-256 backs up bzip2's CRCs; without one the CRCs are all there is
            Expect data = withTrailer ? Expect.CORRUPT_OR_VERIFY : Expect.CORRUPT;
            Bsdiff40Layout l = HostilePatches.bsdiff40Layout(p);
            out.add(Arguments.of(kind, "middle of the ctrl block", (l.ctrlStart() + l.diffStart()) / 2, Expect.CORRUPT,
                    "control"));
            out.add(Arguments.of(kind, "block header of the ctrl block", l.ctrlStart() + 6, Expect.CORRUPT, "control"));
            out.add(Arguments.of(kind, "end (stream CRC) of the ctrl block", l.diffStart() - 1, Expect.CORRUPT,
                    "control"));
            out.add(Arguments.of(kind, "middle of the diff block", (l.diffStart() + l.extraStart()) / 2, data,
                    "diff block"));
            out.add(Arguments.of(kind, "block header of the diff block", l.diffStart() + 6, data, "diff block"));
            out.add(Arguments.of(kind, "end (stream CRC) of the diff block", l.extraStart() - 1, data, "diff block"));
            out.add(Arguments.of(kind, "middle of the extra block", (l.extraStart() + l.end()) / 2, data,
                    "extra block"));
            out.add(Arguments.of(kind, "block header of the extra block", l.extraStart() + 6, data, "extra block"));
            out.add(Arguments.of(kind, "end (stream CRC) of the extra block", l.end() - 1, data, "extra block"));
        }
        for (PatchFormat f : new PatchFormat[] {PatchFormat.SPDW_XZ, PatchFormat.SPDW_ZSTD}) {
            byte[] p = real(f);
            SpdwHeader h = HostilePatches.spdwHeader(p);
            for (int w : new int[] {0, h.windowCount() - 1}) {
                long start = HostilePatches.spdwWindowStart(p, w);
                long len = h.windowCompressedLength()[w];
                out.add(Arguments.of(f.cliName(), "middle of window " + w, start + len / 2, Expect.CORRUPT_OR_VERIFY,
                        "window " + w));
                out.add(Arguments.of(f.cliName(), "stream header of window " + w, start + 5, Expect.CORRUPT_OR_VERIFY,
                        "window " + w));
                out.add(Arguments.of(f.cliName(), "last byte of window " + w, start + len - 1, Expect.CORRUPT_OR_VERIFY,
                        "window " + w));
            }
            out.add(Arguments.of(f.cliName(), "the table CRC", h.dataStart() - 1, Expect.CORRUPT, "CRC"));
            out.add(Arguments.of(f.cliName(), "a table entry", (long) spdwEntry(0) + 9, Expect.CORRUPT, "CRC"));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: byte flipped in {1} (at {2}) -> {3}")
    @MethodSource("flips")
    void flippedByte(String kind, String where, long at, Expect expect, String blockName) throws IOException {
        byte[] p = switch (kind) {
            case "bsdiff40" -> real(PatchFormat.BSDIFF40);
            case "bsdiff40 peer" -> foreign();
            default -> real(PatchFormat.fromCliName(kind));
        };
        SpindeltaException e = applyFails(OLD, HostilePatches.flip(p, at), expect);
        if (e instanceof VerificationException) {
            assertMessage(e, "does not match");
        } else {
            assertMessage(e, blockName);
        }
    }

    // ================================================================== crafted BSDIFF40

    private static final long BIG = 1L << 60;

    /** One crafted patch: OLD is {@link #SMALL_OLD}; {@code words} must appear in the message. */
    private static Arguments crafted(String name, Supplier<byte[]> patch, Expect expect, String... words) {
        return Arguments.of(name, patch, expect, words);
    }

    static Stream<Arguments> craftedBsdiff40() {
        byte[] none = new byte[0];
        byte[] sha = Sha256.of(SMALL_OLD, 0, SMALL_OLD.length);
        return Stream.of(
                crafted("negative diff length", () -> bsdiff40(10, triple(-5, 0, 0), none, filled(10, 1)),
                        Expect.CORRUPT, "control entry 0", "negative"),
                crafted("negative extra length", () -> bsdiff40(10, triple(0, -5, 0), none, filled(10, 1)),
                        Expect.CORRUPT, "control entry 0", "negative"),
                crafted("negative lengths in a later entry", () -> bsdiff40(20,
                        triples(5, 5, 0, -3, 13, 0), filled(5, 0), filled(15, 1)), Expect.CORRUPT, "control entry 1",
                        "negative"),
                crafted("negative-zero diff length", () -> bsdiff40(10, concat(raw(NEGATIVE_ZERO_BITS), sm(10), sm(0)),
                        none, filled(10, 1)), Expect.CORRUPT, "negative zero"),
                crafted("negative-zero extra length", () -> bsdiff40(10, concat(sm(0), raw(NEGATIVE_ZERO_BITS), sm(0)),
                        none, filled(10, 1)), Expect.CORRUPT, "negative zero"),
                crafted("negative-zero seek", () -> bsdiff40(10, concat(sm(10), sm(0), raw(NEGATIVE_ZERO_BITS)),
                        filled(10, 0), none), Expect.CORRUPT, "negative zero"),
                crafted("negative-zero new size in the header", () -> concat(FormatConstants.BSDIFF40_MAGIC, sm(0), sm(0),
                        raw(NEGATIVE_ZERO_BITS), bzip2(none), bzip2(none), bzip2(none)), Expect.CORRUPT,
                        "negative zero"),
                crafted("negative new size in the header", () -> bsdiff40(-10, triple(0, 10, 0), none, filled(10, 1)),
                        Expect.CORRUPT, "out of range"),
                crafted("diff length past new size", () -> bsdiff40(10, triple(20, 0, 0), filled(20, 0), none),
                        Expect.CORRUPT, "control entry 0", "past the new size"),
                crafted("extra length past new size", () -> bsdiff40(10, triple(5, 20, 0), filled(5, 0), filled(20, 1)),
                        Expect.CORRUPT, "control entry 0", "past the new size"),
                crafted("diff reads past the end of OLD", () -> bsdiff40(10_001, triple(10_001, 0, 0),
                        filled(10_001, 0), none), Expect.CORRUPT, "outside OLD"),
                crafted("seek past the end of OLD, then a diff", () -> bsdiff40(20, triples(10, 0, 9_995, 10, 0, 0),
                        filled(20, 0), none), Expect.CORRUPT, "control entry 1", "outside OLD"),
                crafted("seek before the start of OLD, then a diff", () -> bsdiff40(20, triples(10, 0, -20, 10, 0, 0),
                        filled(20, 0), none), Expect.CORRUPT, "control entry 1", "outside OLD"),
                crafted("seek of Long.MAX_VALUE overflows", () -> bsdiff40(3,
                        triples(1, 0, Long.MAX_VALUE, 1, 0, 0, 1, 0, 0), filled(3, 0), none), Expect.CORRUPT,
                        "overflows"),
                crafted("two seeks of -Long.MAX_VALUE overflow", () -> bsdiff40(3,
                        triples(0, 1, -Long.MAX_VALUE, 0, 1, -Long.MAX_VALUE, 0, 1, 0), none, filled(3, 1)),
                        Expect.CORRUPT, "overflows"),
                crafted("header ctrl length larger than the file", () -> {
                    byte[] c = bzip2(triple(0, 10, 0));
                    return bsdiff40Raw(1L << 40, bzip2(none).length, 10, c, bzip2(none), bzip2(filled(10, 1)));
                }, Expect.CORRUPT, "out of range"),
                crafted("header ctrl length one more than the file holds", () -> {
                    byte[] c = bzip2(triple(0, 10, 0));
                    byte[] d = bzip2(none);
                    byte[] e = bzip2(filled(10, 1));
                    return bsdiff40Raw(c.length + d.length + e.length + 1, 0, 10, c, d, e);
                }, Expect.CORRUPT, "out of range"),
                crafted("header diff length larger than the file", () -> {
                    byte[] c = bzip2(triple(0, 10, 0));
                    return bsdiff40Raw(c.length, Long.MAX_VALUE, 10, c, bzip2(none), bzip2(filled(10, 1)));
                }, Expect.CORRUPT, "out of range"),
                crafted("negative header ctrl length", () -> {
                    byte[] c = bzip2(triple(0, 10, 0));
                    return bsdiff40Raw(-c.length, bzip2(none).length, 10, c, bzip2(none), bzip2(filled(10, 1)));
                }, Expect.CORRUPT, "out of range"),
                crafted("ctrl block that is not bzip2", () -> {
                    byte[] c = triple(0, 10, 0);
                    return bsdiff40Raw(c.length, bzip2(none).length, 10, c, bzip2(none), bzip2(filled(10, 1)));
                }, Expect.CORRUPT, "control block"),
                crafted("diff block that is not bzip2", () -> {
                    byte[] c = bzip2(triple(10, 0, 0));
                    byte[] d = filled(10, 0);
                    return bsdiff40Raw(c.length, d.length, 10, c, d, bzip2(none));
                }, Expect.CORRUPT, "diff block"),
                crafted("extra block that is not bzip2", () -> bsdiff40Raw(bzip2(triple(0, 10, 0)).length,
                        bzip2(none).length, 10, bzip2(triple(0, 10, 0)), bzip2(none), filled(10, 1)),
                        Expect.CORRUPT, "extra block"),
                crafted("ctrl block ends inside a triple", () -> bsdiff40(10,
                        Arrays.copyOf(triple(0, 10, 0), 12), none, filled(10, 1)), Expect.CORRUPT, "control block"),
                crafted("ctrl block ends before NEW is complete", () -> bsdiff40(20, triple(0, 10, 0), none,
                        filled(20, 1)), Expect.CORRUPT, "control block"),
                crafted("diff block shorter than the ctrl says", () -> bsdiff40(10, triple(10, 0, 0), filled(5, 0),
                        none), Expect.CORRUPT, "diff block"),
                crafted("extra block shorter than the ctrl says", () -> bsdiff40(10, triple(0, 10, 0), none,
                        filled(5, 1)), Expect.CORRUPT, "extra block"),
                crafted("new size 2^60 with a tiny ctrl stream", () -> bsdiff40(BIG, triple(0, 10, 0), none,
                        filled(10, 1)), Expect.CORRUPT, "control block"),
                crafted("new size 2^60 in one extra run of 2^60 bytes", () -> bsdiff40(BIG, triple(0, BIG, 0), none,
                        filled(10, 1)), Expect.CORRUPT, "extra block"),
                crafted("new size 2^60 in one diff run of 2^60 bytes", () -> bsdiff40(BIG, triple(BIG, 0, 0),
                        filled(10, 0), none), Expect.CORRUPT, "outside OLD"),
                crafted("new size 2^60 and 100,000 empty triples", () -> bsdiff40(BIG, repeat(triple(0, 0, 0), 100_000),
                        none, none), Expect.CORRUPT, "empty"),
                crafted("100,000 zero triples (bzip2 bomb)", () -> bsdiff40(10, repeat(triple(0, 0, 0), 100_000), none,
                        filled(10, 1)), Expect.CORRUPT, "empty"),
                crafted("100,000 zero-length triples that only seek", () -> bsdiff40(10,
                        concat(repeat(triples(0, 0, 1, 0, 0, -1), 50_000), triple(0, 10, 0)), none, filled(10, 1)),
                        Expect.CORRUPT, "empty"),
                crafted("17 garbage bytes after the last triple", () -> bsdiff40(10,
                        concat(triple(0, 10, 0), filled(17, 0x5A)), none, filled(10, 1)), Expect.CORRUPT,
                        "unexpected bytes"),
                crafted("a whole extra triple after the last one", () -> bsdiff40(10,
                        triples(0, 10, 0, 0, 10, 0), none, filled(20, 1)), Expect.CORRUPT, "unexpected bytes"),
                crafted("80 bytes after the last triple without the trailer magic", () -> bsdiff40(10,
                        concat(triple(0, 10, 0), TestData.random(80, 53)), none, filled(10, 1)), Expect.CORRUPT,
                        "unexpected bytes"),
                crafted("a trailer followed by one more byte", () -> bsdiff40(10,
                        concat(triple(0, 10, 0), trailer(SMALL_OLD.length, sha, new byte[32]), new byte[1]), none,
                        filled(10, 1)), Expect.CORRUPT, "unexpected bytes"),
                crafted("a trailer cut short by one byte", () -> bsdiff40(10,
                        concat(triple(0, 10, 0), Arrays.copyOf(trailer(SMALL_OLD.length, sha, new byte[32]), 79)), none,
                        filled(10, 1)), Expect.CORRUPT, "unexpected bytes"),
                crafted("a trailer with a negative old size", () -> bsdiff40(10,
                        concat(triple(0, 10, 0), trailer(-1, sha, new byte[32])), none, filled(10, 1)), Expect.CORRUPT,
                        "negative"),
                crafted("a trailer for another OLD (size)", () -> bsdiff40(10,
                        concat(triple(0, 10, 0), trailer(SMALL_OLD.length + 1, sha, new byte[32])), none, filled(10, 1)),
                        Expect.VERIFY, "another OLD"),
                crafted("a trailer for another OLD (sha256)", () -> bsdiff40(10,
                        concat(triple(0, 10, 0), trailer(SMALL_OLD.length, new byte[32], new byte[32])), none,
                        filled(10, 1)), Expect.VERIFY, "another OLD"),
                crafted("a trailer with the wrong NEW sha256", () -> bsdiff40(10,
                        concat(triple(0, 10, 0), trailer(SMALL_OLD.length, sha, new byte[32])), none, filled(10, 1)),
                        Expect.VERIFY, "does not match"));
    }

    @ParameterizedTest(name = "BSDIFF40: {0} -> {2}")
    @MethodSource("craftedBsdiff40")
    void craftedBsdiff40(String name, Supplier<byte[]> patch, Expect expect, String[] words) throws IOException {
        SpindeltaException e = applyFails(SMALL_OLD, patch.get(), expect, CRAFTED_LIMIT);
        for (String w : words) {
            assertMessage(e, w);
        }
    }

    // ================================================================== crafted ENDSLEY/BSDIFF43

    static Stream<Arguments> craftedBsdiff43() {
        byte[] none = new byte[0];
        return Stream.of(
                crafted("negative diff length", () -> bsdiff43(10, concat(triple(-5, 0, 0), filled(10, 1))),
                        Expect.CORRUPT, "control entry 0", "negative"),
                crafted("negative extra length", () -> bsdiff43(10, concat(triple(0, -5, 0), filled(10, 1))),
                        Expect.CORRUPT, "control entry 0", "negative"),
                crafted("negative new size", () -> bsdiff43(-10, concat(triple(0, 10, 0), filled(10, 1))),
                        Expect.CORRUPT, "negative"),
                crafted("negative-zero seek", () -> bsdiff43(10, concat(sm(0), sm(10), raw(NEGATIVE_ZERO_BITS),
                        filled(10, 1))), Expect.CORRUPT, "negative zero"),
                crafted("diff reads past the end of OLD", () -> bsdiff43(10_001, concat(triple(10_001, 0, 0),
                        filled(10_001, 0))), Expect.CORRUPT, "outside OLD"),
                crafted("diff length past new size", () -> bsdiff43(10, concat(triple(20, 0, 0), filled(20, 0))),
                        Expect.CORRUPT, "past the new size"),
                crafted("stream ends inside a diff run", () -> bsdiff43(10, concat(triple(10, 0, 0), filled(4, 0))),
                        Expect.CORRUPT, "patch stream"),
                crafted("new size 2^60 with a tiny stream", () -> bsdiff43(BIG, concat(triple(0, 10, 0),
                        filled(10, 1))), Expect.CORRUPT, "patch stream"),
                crafted("100,000 zero triples (bzip2 bomb)", () -> bsdiff43(10, repeat(triple(0, 0, 0), 100_000)),
                        Expect.CORRUPT, "empty"),
                crafted("stream that is not bzip2", () -> concat(FormatConstants.BSDIFF43_MAGIC, sm(10), triple(0, 10, 0),
                        filled(10, 1)), Expect.CORRUPT, "patch stream"),
                crafted("header only", () -> concat(FormatConstants.BSDIFF43_MAGIC, sm(10)), Expect.CORRUPT,
                        "patch stream"),
                crafted("header cut short", () -> concat(FormatConstants.BSDIFF43_MAGIC, new byte[3]), Expect.CORRUPT,
                        "shorter"));
    }

    @ParameterizedTest(name = "BSDIFF43: {0} -> {2}")
    @MethodSource("craftedBsdiff43")
    void craftedBsdiff43(String name, Supplier<byte[]> patch, Expect expect, String[] words) throws IOException {
        SpindeltaException e = applyFails(SMALL_OLD, patch.get(), expect, CRAFTED_LIMIT);
        for (String w : words) {
            assertMessage(e, w);
        }
    }

    /**
     * A hand-made patch of {@link #SMALL_OLD}: NEW is put together from pieces of OLD (some edited, one
     * reused out of order) and fresh bytes, and the triples and diff bytes are derived from that plan.
     */
    static final class HandMade {
        final byte[] expected;
        final long[] triples = {
            3000, 500, 1000, // old [0, 3000) edited, 500 fresh bytes, skip old [3000, 4000)
            2000, 0, -6000, // old [4000, 6000) as is, then back to the start of OLD
            1000, 100, 8000, // old [0, 1000) edited again, 100 fresh bytes, jump to old 9000
            1000, 0, 0, // old [9000, 10000) edited
        };
        final byte[][] diffs = new byte[4][];
        final byte[][] extras = new byte[4][];

        HandMade() {
            byte[] o = SMALL_OLD;
            byte[] p0 = Arrays.copyOfRange(o, 0, 3000);
            for (int i = 0; i < p0.length; i += 97) {
                p0[i] ^= 0x20;
            }
            byte[] p1 = Arrays.copyOfRange(o, 4000, 6000);
            byte[] p2 = Arrays.copyOfRange(o, 0, 1000);
            p2[0] = 0;
            p2[999] = (byte) 0xFF;
            byte[] p3 = Arrays.copyOfRange(o, 9000, 10_000);
            for (int i = 0; i < p3.length; i++) {
                p3[i] += (byte) (i % 3);
            }
            extras[0] = TestData.random(500, 61);
            extras[1] = new byte[0];
            extras[2] = TestData.random(100, 62);
            extras[3] = new byte[0];
            diffs[0] = minus(p0, o, 0);
            diffs[1] = minus(p1, o, 4000);
            diffs[2] = minus(p2, o, 0);
            diffs[3] = minus(p3, o, 9000);
            expected = concat(p0, extras[0], p1, p2, extras[2], p3);
        }

        private static byte[] minus(byte[] piece, byte[] old, int from) {
            byte[] d = new byte[piece.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = (byte) (piece[i] - old[from + i]);
            }
            return d;
        }

        byte[] bsdiff43() {
            byte[][] parts = new byte[12][];
            for (int i = 0; i < 4; i++) {
                parts[3 * i] = triple(triples[3 * i], triples[3 * i + 1], triples[3 * i + 2]);
                parts[3 * i + 1] = diffs[i];
                parts[3 * i + 2] = extras[i];
            }
            return HostilePatches.bsdiff43(expected.length, concat(parts));
        }

        byte[] bsdiff40(boolean withTrailer) {
            byte[] ctrl = HostilePatches.triples(triples);
            if (withTrailer) {
                ctrl = concat(ctrl, trailer(SMALL_OLD.length, Sha256.of(SMALL_OLD, 0, SMALL_OLD.length),
                        Sha256.of(expected, 0, expected.length)));
            }
            return HostilePatches.bsdiff40(expected.length, ctrl, concat(diffs), concat(extras));
        }
    }

    static Stream<Arguments> handMade() {
        HandMade h = new HandMade();
        return Stream.of(
                Arguments.of("BSDIFF43", h.bsdiff43(), PatchFormat.BSDIFF43, false),
                Arguments.of("BSDIFF40 without trailer", h.bsdiff40(false), PatchFormat.BSDIFF40, false),
                Arguments.of("BSDIFF40 with trailer", h.bsdiff40(true), PatchFormat.BSDIFF40, true));
    }

    /** The read-only BSDIFF43 reader (and the BSDIFF40 one, for comparison) on a valid hand-made patch. */
    @ParameterizedTest(name = "valid hand-made {0} applies byte-identically")
    @MethodSource("handMade")
    void handMadePatchApplies(String name, byte[] patch, PatchFormat format, boolean verified) throws IOException {
        byte[] expected = new HandMade().expected;
        Files.write(oldFile, SMALL_OLD);
        Files.write(patchFile, patch);
        ApplyResult r = BsPatch.apply(oldFile, patchFile, outFile, ApplyOptions.defaults(), Progress.NONE);
        assertArrayEquals(expected, Files.readAllBytes(outFile));
        assertEquals(format, r.format());
        assertEquals(expected.length, r.newSize());
        assertEquals(verified, r.checksumVerified());
        assertArrayEquals(Sha256.of(expected, 0, expected.length), r.newSha256());
        assertEquals(List.of("new.img"), listNames(outDir));
        assertArrayEquals(SMALL_OLD, Files.readAllBytes(oldFile));
    }

    /** bzip2's CRC is the only check a BSDIFF43 patch has; a damaged stream must not yield a NEW. */
    @ParameterizedTest(name = "BSDIFF43: byte flipped at {0}/4 of the stream -> CorruptInputException")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3})
    void flippedBsdiff43(int quarter) throws IOException {
        HandMade h = new HandMade();
        intactNew = h.expected;
        byte[] p = h.bsdiff43();
        int start = FormatConstants.BSDIFF43_HEADER_SIZE;
        int at = start + (p.length - start) * quarter / 4;
        applyFails(SMALL_OLD, HostilePatches.flip(p, at), Expect.CORRUPT, "patch stream", "control entry");
    }

    /** Cutting off the end of the one bzip2 stream (its end-of-stream marker and CRC) must be noticed. */
    @ParameterizedTest(name = "BSDIFF43: last {0} byte(s) cut off -> CorruptInputException")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 4, 10})
    void truncatedBsdiff43(int cut) throws IOException {
        HandMade h = new HandMade();
        intactNew = h.expected;
        byte[] p = h.bsdiff43();
        applyFails(SMALL_OLD, HostilePatches.truncate(p, p.length - cut), Expect.CORRUPT, "patch stream");
    }

    // ================================================================== crafted SPDW

    private static final int HEADER_CODEC = 9;
    private static final int HEADER_WINDOWS = 12;
    private static final int HEADER_OLD_SIZE = 16;
    private static final int HEADER_NEW_SIZE = 24;

    static Stream<Arguments> craftedSpdw() {
        byte[] p = real(PatchFormat.SPDW_XZ);
        SpdwHeader h = HostilePatches.spdwHeader(p);
        byte[] w0 = HostilePatches.spdwWindowStream(p, 0);
        int rec = HostilePatches.firstDiffRecord(w0);
        long x = LittleEndian.getLong(w0, rec);
        int last = h.windowCount() - 1;
        return Stream.of(
                crafted("table CRC flipped", () -> spdwEdit(p, b -> b[HostilePatches.spdwCrcOffset(b)] ^= 1, false),
                        Expect.CORRUPT, "CRC"),
                crafted("new size changed, CRC not recomputed", () -> spdwEdit(p,
                        b -> LittleEndian.putLong(b, HEADER_NEW_SIZE, h.newSize() + 1), false), Expect.CORRUPT, "CRC"),
                crafted("window count 2^31", () -> spdwEdit(p, b -> LittleEndian.putInt(b, HEADER_WINDOWS, 1 << 31),
                        true), Expect.CORRUPT, "window count"),
                crafted("window count 2^32-1", () -> spdwEdit(p, b -> LittleEndian.putInt(b, HEADER_WINDOWS, -1),
                        true), Expect.CORRUPT, "window count"),
                crafted("window count 2^24 (more than the file can hold)", () -> spdwEdit(p,
                        b -> LittleEndian.putInt(b, HEADER_WINDOWS, 1 << 24), true), Expect.CORRUPT, "window count"),
                crafted("window count 0 for a non-empty NEW", () -> {
                    byte[] b = concat(Arrays.copyOf(p, FormatConstants.SPDW_HEADER_SIZE), new byte[4]);
                    LittleEndian.putInt(b, HEADER_WINDOWS, 0);
                    return spdwEdit(b, t -> { }, true);
                }, Expect.CORRUPT, "new size"),
                crafted("header new size one more than the windows produce", () -> spdwEdit(p,
                        b -> LittleEndian.putLong(b, HEADER_NEW_SIZE, h.newSize() + 1), true), Expect.CORRUPT,
                        "new size"),
                crafted("window 0 new length one less than the sizes need", () -> spdwEdit(p,
                        b -> LittleEndian.putInt(b, spdwEntry(0), (int) h.windowNewLength()[0] - 1), true),
                        Expect.CORRUPT, "new size"),
                crafted("window new length 0", () -> spdwEdit(p, b -> LittleEndian.putInt(b, spdwEntry(last), 0), true),
                        Expect.CORRUPT, "new length"),
                crafted("window new length 2^31", () -> spdwEdit(p,
                        b -> LittleEndian.putInt(b, spdwEntry(0), 1 << 31), true), Expect.CORRUPT, "new length"),
                crafted("negative new size", () -> spdwEdit(p, b -> LittleEndian.putLong(b, HEADER_NEW_SIZE, -1), true),
                        Expect.CORRUPT, "out of range"),
                crafted("negative old size", () -> spdwEdit(p, b -> LittleEndian.putLong(b, HEADER_OLD_SIZE, -1), true),
                        Expect.CORRUPT, "out of range"),
                crafted("compressed length past the end of the patch", () -> spdwEdit(p,
                        b -> LittleEndian.putLong(b, spdwEntry(0) + 8, 1L << 40), true), Expect.CORRUPT, "runs past"),
                crafted("negative compressed length", () -> spdwEdit(p,
                        b -> LittleEndian.putLong(b, spdwEntry(0) + 8, -1), true), Expect.CORRUPT, "compressed length"),
                crafted("compressed lengths one short of the file (trailing garbage)", () -> spdwEdit(p,
                        b -> LittleEndian.putLong(b, spdwEntry(last) + 8, h.windowCompressedLength()[last] - 1), true),
                        Expect.CORRUPT, "accounts for"),
                crafted("stream length one more than the window's", () -> spdwEdit(p,
                        b -> LittleEndian.putLong(b, spdwEntry(0) + 16, h.windowStreamLength()[0] + 1), true),
                        Expect.CORRUPT, "table says"),
                crafted("stream length of 2^62", () -> spdwEdit(p,
                        b -> LittleEndian.putLong(b, spdwEntry(0) + 16, 1L << 62), true), Expect.CORRUPT,
                        "stream length"),
                crafted("unknown codec id", () -> spdwEdit(p, b -> b[HEADER_CODEC] = 9, true), Expect.UNSUPPORTED,
                        "codec"),
                crafted("version 2", () -> spdwEdit(p, b -> b[8] = 2, true), Expect.UNSUPPORTED, "version"),
                crafted("window record reading one byte past the end of OLD", () -> {
                    byte[] s = w0.clone();
                    LittleEndian.putLong(s, rec + 16, OLD.length - x + 1);
                    return HostilePatches.spdwReplaceWindowStream(p, 0, s);
                }, Expect.CORRUPT, "window 0", "outside OLD"),
                crafted("window record at a negative old position", () -> {
                    byte[] s = w0.clone();
                    LittleEndian.putLong(s, rec + 16, -1);
                    return HostilePatches.spdwReplaceWindowStream(p, 0, s);
                }, Expect.CORRUPT, "window 0", "outside OLD"),
                crafted("window record at old position Long.MAX_VALUE", () -> {
                    byte[] s = w0.clone();
                    LittleEndian.putLong(s, rec + 16, Long.MAX_VALUE);
                    return HostilePatches.spdwReplaceWindowStream(p, 0, s);
                }, Expect.CORRUPT, "window 0", "outside OLD"),
                crafted("window record with a negative diff length", () -> {
                    byte[] s = concat(spdwRecord(-1, 0, 0), w0);
                    return HostilePatches.spdwReplaceWindowStream(p, 0, s);
                }, Expect.CORRUPT, "window 0", "does not fit"),
                crafted("window record with a negative extra length", () -> {
                    byte[] s = concat(spdwRecord(0, Long.MIN_VALUE, 0), w0);
                    return HostilePatches.spdwReplaceWindowStream(p, 0, s);
                }, Expect.CORRUPT, "window 0", "does not fit"),
                crafted("window record longer than its window", () -> {
                    byte[] s = concat(spdwRecord(0, h.windowNewLength()[0] + 1, 0), w0);
                    return HostilePatches.spdwReplaceWindowStream(p, 0, s);
                }, Expect.CORRUPT, "window 0", "does not fit"),
                crafted("window of 70,000 empty records (bomb)", () -> {
                    // the table keeps the honest stream length: the decoder, not the table, must stop the bomb
                    byte[] s = concat(repeat(spdwRecord(0, 0, 0), 70_000), w0);
                    return HostilePatches.spdwReplaceWindowStream(p, 0, s, false);
                }, Expect.CORRUPT, "window 0", "empty"),
                crafted("window with data after its last record", () -> HostilePatches.spdwReplaceWindowStream(p, 0,
                        concat(w0, spdwRecord(0, 0, 0))), Expect.CORRUPT, "window 0", "after its last record"),
                crafted("window stream that ends inside a record", () -> HostilePatches.spdwReplaceWindowStream(p, 0,
                        Arrays.copyOf(w0, w0.length - 1)), Expect.CORRUPT, "window 0", "ended"),
                crafted("window stream that is not xz", () -> {
                    byte[] b = p.clone();
                    int start = (int) h.dataStart();
                    Arrays.fill(b, start, start + 12, (byte) 0x55);
                    return b;
                }, Expect.CORRUPT, "window 0"));
    }

    @ParameterizedTest(name = "SPDW: {0} -> {2}")
    @MethodSource("craftedSpdw")
    void craftedSpdw(String name, Supplier<byte[]> patch, Expect expect, String[] words) throws IOException {
        SpindeltaException e = applyFails(OLD, patch.get(), expect, CRAFTED_LIMIT);
        for (String w : words) {
            assertMessage(e, w);
        }
    }

    // ================================================================== the wrong OLD

    /** Watches the output during an apply: was the target ever there? */
    private final class OutputSpy implements Progress {
        volatile boolean targetSeen;

        @Override
        public void start(String task, long total) {
            look();
        }

        @Override
        public void advance(long bytes) {
            look();
        }

        private void look() {
            if (Files.exists(outFile)) {
                targetSeen = true;
            }
        }
    }

    static Stream<Arguments> wrongOlds() {
        byte[] oneByte = OLD.clone();
        oneByte[OLD.length / 2] ^= 1;
        byte[] shorter = Arrays.copyOf(OLD, OLD.length - 1);
        byte[] longer = Arrays.copyOf(OLD, OLD.length + 1);
        List<Arguments> out = new ArrayList<>();
        for (PatchFormat f : new PatchFormat[] {PatchFormat.BSDIFF40, PatchFormat.SPDW_XZ, PatchFormat.SPDW_ZSTD}) {
            out.add(Arguments.of(f, "one byte changed", oneByte));
            out.add(Arguments.of(f, "one byte shorter", shorter));
            out.add(Arguments.of(f, "one byte longer", longer));
            out.add(Arguments.of(f, "NEW instead of OLD", NEW));
            out.add(Arguments.of(f, "empty", new byte[0]));
        }
        return out.stream();
    }

    // OLD's SHA-256 is computed beside the apply (one read of OLD), so the staged output may be written
    // before the mismatch is known: what must hold is that NEW's path never appears, nothing is left
    // behind, and the error names OLD although the apply, on the wrong bytes, made a wrong NEW (one byte
    // changed) or failed on its own.
    @ParameterizedTest(name = "{0} applied to another OLD ({1}) -> VerificationException, NEW never created")
    @MethodSource("wrongOlds")
    void anotherOld(PatchFormat format, String what, byte[] old) throws IOException {
        byte[] patch = real(format);
        Files.write(oldFile, old);
        Files.write(patchFile, patch);
        OutputSpy spy = new OutputSpy();
        SpindeltaException e = assertThrows(SpindeltaException.class, () -> assertTimeoutPreemptively(APPLY_LIMIT,
                () -> BsPatch.apply(oldFile, patchFile, outFile, ApplyOptions.defaults(), spy)));
        Expect.VERIFY.check(e);
        assertMessage(e, "another OLD");
        assertFalse(spy.targetSeen, "the output file must never be created");
        assertNothingLeft(old, patch);
    }

    // ================================================================== where the output goes

    @Test
    void outputEqualToOldIsRefused() throws IOException {
        byte[] patch = real(PatchFormat.BSDIFF40);
        Files.write(oldFile, OLD);
        Files.write(patchFile, patch);
        SpindeltaException e = assertThrows(SpindeltaException.class,
                () -> BsPatch.apply(oldFile, patchFile, oldFile, ApplyOptions.defaults(), Progress.NONE));
        assertMessage(e, "input");
        assertArrayEquals(OLD, Files.readAllBytes(oldFile), "OLD unchanged");
        assertNothingLeft(OLD, patch);
    }

    @Test
    void outputEqualToOldByAnotherNameIsRefused() throws IOException {
        byte[] patch = real(PatchFormat.SPDW_XZ);
        Files.write(oldFile, OLD);
        Files.write(patchFile, patch);
        Path sameOld = inDir.resolve("..").resolve("in").resolve("old.img");
        SpindeltaException e = assertThrows(SpindeltaException.class,
                () -> BsPatch.apply(oldFile, patchFile, sameOld, ApplyOptions.defaults(), Progress.NONE));
        assertMessage(e, "input");
        assertNothingLeft(OLD, patch);
    }

    @Test
    void outputEqualToPatchIsRefused() throws IOException {
        byte[] patch = real(PatchFormat.BSDIFF40);
        Files.write(oldFile, OLD);
        Files.write(patchFile, patch);
        SpindeltaException e = assertThrows(SpindeltaException.class,
                () -> BsPatch.apply(oldFile, patchFile, patchFile, ApplyOptions.defaults(), Progress.NONE));
        assertMessage(e, "input");
        assertNothingLeft(OLD, patch);
    }

    @Test
    void outputInAMissingDirectoryIsRefused() throws IOException {
        byte[] patch = real(PatchFormat.BSDIFF40);
        Files.write(oldFile, OLD);
        Files.write(patchFile, patch);
        Path missing = dir.resolve("no-such-dir").resolve("new.img");
        SpindeltaException e = assertThrows(SpindeltaException.class,
                () -> BsPatch.apply(oldFile, patchFile, missing, ApplyOptions.defaults(), Progress.NONE));
        assertMessage(e, "does not exist");
        assertMessage(e, "no-such-dir");
        assertFalse(Files.exists(missing.getParent()), "the directory must not be created");
        assertNothingLeft(OLD, patch);
    }

    @Test
    void outputThatIsADirectoryIsRefused() throws IOException {
        byte[] patch = real(PatchFormat.BSDIFF40);
        Files.write(oldFile, OLD);
        Files.write(patchFile, patch);
        SpindeltaException e = assertThrows(SpindeltaException.class,
                () -> BsPatch.apply(oldFile, patchFile, outDir, ApplyOptions.defaults(), Progress.NONE));
        assertMessage(e, "directory");
        assertNothingLeft(OLD, patch);
    }

    @Test
    void missingOldIsNamed() throws IOException {
        Files.write(patchFile, real(PatchFormat.BSDIFF40));
        Path missing = inDir.resolve("nope.img");
        SpindeltaException e = assertThrows(SpindeltaException.class,
                () -> BsPatch.apply(missing, patchFile, outFile, ApplyOptions.defaults(), Progress.NONE));
        assertMessage(e, "nope.img");
        assertMessage(e, "does not exist");
        assertEquals(List.of(), listNames(outDir));
    }

    @Test
    void missingPatchIsNamed() throws IOException {
        Files.write(oldFile, OLD);
        Path missing = inDir.resolve("nope.patch");
        SpindeltaException e = assertThrows(SpindeltaException.class,
                () -> BsPatch.apply(oldFile, missing, outFile, ApplyOptions.defaults(), Progress.NONE));
        assertMessage(e, "nope.patch");
        assertMessage(e, "does not exist");
        assertEquals(List.of(), listNames(outDir));
    }

    @Test
    void existingOutputSurvivesAFailedApply() throws IOException {
        byte[] before = "precious\n".getBytes(StandardCharsets.US_ASCII);
        Files.write(outFile, before);
        Files.write(oldFile, OLD);
        Files.write(patchFile, HostilePatches.flip(real(PatchFormat.SPDW_XZ), HostilePatches.spdwWindowStart(
                real(PatchFormat.SPDW_XZ), 1) + 40));
        assertThrows(SpindeltaException.class,
                () -> BsPatch.apply(oldFile, patchFile, outFile, ApplyOptions.defaults(), Progress.NONE));
        assertArrayEquals(before, Files.readAllBytes(outFile), "a failed apply must not touch an existing output");
        assertEquals(List.of("new.img"), listNames(outDir));
    }

    // ================================================================== BsDiff.diff's own refusals

    @ParameterizedTest(name = "diff with {0} missing names it")
    @EnumSource(names = {"OLD", "NEW"}, value = Role.class)
    void diffNamesAMissingInput(Role missing) throws IOException {
        Path o = inDir.resolve("old-missing.img");
        Path n = inDir.resolve("new-missing.img");
        if (missing != Role.OLD) {
            Files.write(o, OLD);
        }
        if (missing != Role.NEW) {
            Files.write(n, NEW);
        }
        Path p = outDir.resolve("out.patch");
        SpindeltaException e = assertThrows(SpindeltaException.class,
                () -> BsDiff.diff(o, n, p, DiffOptions.defaults(), Progress.NONE));
        assertMessage(e, missing == Role.OLD ? "old-missing.img" : "new-missing.img");
        assertMessage(e, missing.name());
        assertMessage(e, "does not exist");
        assertEquals(List.of(), listNames(outDir), "no patch and no temporary file");
    }

    enum Role { OLD, NEW }

    @Test
    void diffMemoryAboveTheHeapIsALimit() throws IOException {
        Path o = Files.write(inDir.resolve("old.img"), OLD);
        Path n = Files.write(inDir.resolve("new.img"), NEW);
        Path p = outDir.resolve("out.patch");
        long heap = Runtime.getRuntime().maxMemory();
        long asked = heap + (1L << 30);
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> BsDiff.diff(o, n, p, DiffOptions.defaults().withMemory(asked), Progress.NONE));
        assertMessage(e, "--memory");
        assertMessage(e, "heap");
        assertEquals(asked, e.needed());
        assertEquals(heap, e.limit());
        assertEquals(List.of(), listNames(outDir), "no patch and no temporary file");
    }

    @Test
    void diffOutputEqualToAnInputIsRefused() throws IOException {
        Path o = Files.write(inDir.resolve("old.img"), OLD);
        Path n = Files.write(inDir.resolve("new.img"), NEW);
        for (Path target : new Path[] {o, n}) {
            SpindeltaException e = assertThrows(SpindeltaException.class,
                    () -> BsDiff.diff(o, n, target, DiffOptions.defaults(), Progress.NONE));
            assertMessage(e, "input");
        }
        assertArrayEquals(OLD, Files.readAllBytes(o));
        assertArrayEquals(NEW, Files.readAllBytes(n));
        assertEquals(List.of("new.img", "old.img"), listNames(inDir));
    }

    @Test
    void diffIntoAMissingDirectoryIsRefused() throws IOException {
        Path o = Files.write(inDir.resolve("old.img"), OLD);
        Path n = Files.write(inDir.resolve("new.img"), NEW);
        Path p = dir.resolve("no-such-dir").resolve("out.patch");
        SpindeltaException e = assertThrows(SpindeltaException.class,
                () -> BsDiff.diff(o, n, p, DiffOptions.defaults(), Progress.NONE));
        assertMessage(e, "does not exist");
        assertFalse(Files.exists(p.getParent()));
    }

    /** Sanity of the builder itself: crafted blocks are what bsdiff 4.3 would read. */
    @Test
    void builderLayoutMatchesHeader() {
        byte[] p = bsdiff40(10, triple(0, 10, 0), new byte[0], filled(10, 1));
        Bsdiff40Layout l = HostilePatches.bsdiff40Layout(p);
        assertEquals(32, l.ctrlStart());
        assertTrue(l.diffStart() < l.extraStart() && l.extraStart() < l.end());
        assertArrayEquals(triple(0, 10, 0),
                HostilePatches.bunzip2(Arrays.copyOfRange(p, (int) l.ctrlStart(), (int) l.diffStart())));
        if (!Arrays.equals(HostilePatches.bunzip2(Arrays.copyOfRange(p, (int) l.extraStart(), p.length)),
                filled(10, 1))) {
            fail("extra block does not round-trip");
        }
    }
}
