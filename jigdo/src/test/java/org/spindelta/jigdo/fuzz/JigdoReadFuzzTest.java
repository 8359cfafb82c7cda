package org.spindelta.jigdo.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.testing.FuzzInput;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.format.DataPartReader;
import org.spindelta.jigdo.format.DescEntry;
import org.spindelta.jigdo.format.DescEntryType;
import org.spindelta.jigdo.format.JigdoFile;
import org.spindelta.jigdo.format.JigdoFileReader;
import org.spindelta.jigdo.format.Template;
import org.spindelta.jigdo.format.TemplateListing;
import org.spindelta.jigdo.format.TemplateReader;

/**
 * Coverage-guided fuzzing of the template and {@code .jigdo} parsers with Jazzer: each input is read as
 * a template (header, DESC, parts; every entry listed; unmatched bytes decompressed from the start and
 * from each unmatched entry, up to {@link #MAX_DATA_BYTES}) and as a {@code .jigdo} file (sections, words,
 * parts, servers, template checksums). Hostile input may only be rejected with our exceptions
 * ({@link SpindeltaException}); any other exception, an allocation over {@link #MAX_ALLOCATED_BYTES} or an
 * input taking over {@link #TIMEOUT_SECONDS} seconds is a finding.
 *
 * <p>Plain {@code mvn verify} replays the files under
 * {@code src/test/resources/org/spindelta/jigdo/fuzz/JigdoReadFuzzTestInputs/readTemplateAndJigdo/}: the
 * seeds in {@code seeds/} (real templates and .jigdo files of jigdo-file, xorriso and genisoimage, made by
 * {@code make-seeds.sh}) and past findings, {@code regression-*}. To fuzz, as CI does for 2 minutes:
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -pl jigdo -am surefire:test -Dtest=JigdoReadFuzzTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Djunit.jupiter.execution.timeout.mode=disabled \
 *     '-Djazzer.instrument=org.spindelta.**'
 * </pre>
 *
 * As for {@code SquashfsReadFuzzTest}, the {@code @Timeout} is libFuzzer's per-input timeout; findings are
 * written beside the seeds as {@code crash-*}, to be renamed {@code regression-*} once fixed.
 */
class JigdoReadFuzzTest {
    /**
     * Bytes one input may allocate. A template's DESC is read whole but is never larger than the input;
     * parts are indexed one small object each; decompression reuses 64 KiB buffers.
     */
    static final long MAX_ALLOCATED_BYTES = 256L << 20;

    /** Unmatched bytes decompressed per input: enough to cross parts, bounded against zlib bombs. */
    static final long MAX_DATA_BYTES = 8L << 20;

    static final int TIMEOUT_SECONDS = 10;

    @FuzzTest(maxDuration = "2m")
    @Timeout(TIMEOUT_SECONDS)
    void readTemplateAndJigdo(byte[] input) throws IOException {
        Path file = FuzzInput.write(input, ".template");
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        long loaded = classes.getTotalLoadedClassCount();
        long allocated = readAll(file, input);
        if (classes.getTotalLoadedClassCount() != loaded) {
            allocated = readAll(file, input); // the first pass paid for class loading; measure the parsers alone
        }
        if (allocated > MAX_ALLOCATED_BYTES) {
            throw new AssertionError("reading a " + input.length + "-byte input allocated " + allocated
                    + " bytes, more than " + MAX_ALLOCATED_BYTES);
        }
    }

    private static long readAll(Path file, byte[] input) throws IOException {
        long before = FuzzInput.allocatedBytes();
        try (FileChannel ch = FileChannel.open(file)) {
            Template t = TemplateReader.read(ch);
            StringBuilder listing = new StringBuilder();
            for (DescEntry e : t.entries()) {
                listing.append(TemplateListing.line(e, false)).append(TemplateListing.line(e, true));
            }
            if (t.imageLength() > 0) {
                t.entryAt(t.imageLength() - 1);
                t.entryAt(t.imageLength() / 2);
            }
            long budget = MAX_DATA_BYTES;
            byte[] buf = new byte[1 << 16];
            try (DataPartReader data = new DataPartReader(ch, t)) {
                for (int i = 0; i < t.entryCount() && budget > 0; i++) {
                    DescEntry e = t.entry(i);
                    if (e.type() == DescEntryType.UNMATCHED) {
                        try {
                            data.seek(t.dataOffset(i));
                            int n = (int) Math.min(Math.min(buf.length, e.length()), budget);
                            data.readFully(buf, 0, n);
                            budget -= n;
                        } catch (SpindeltaException expected) {
                            // a bad part; later entries may lie in good ones
                        }
                    }
                }
            }
        } catch (SpindeltaException expected) {
            // not a template we accept
        }
        try {
            JigdoFile j = JigdoFileReader.read(new ByteArrayInputStream(input), 1 << 20);
            j.parts();
            j.servers();
            j.image("Filename");
            j.image("Template");
            j.imageText("ShortInfo");
            for (ChecksumKind k : ChecksumKind.values()) {
                j.templateChecksum(k);
            }
            for (JigdoFile.Section s : j.sections()) {
                for (JigdoFile.Entry e : s.entries()) {
                    e.words();
                }
            }
        } catch (SpindeltaException expected) {
            // not a .jigdo file we accept
        }
        return FuzzInput.allocatedBytes() - before;
    }
}
