package org.spindelta.jigdo.format;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FormatException;
import org.spindelta.core.LimitExceededException;
import org.spindelta.core.UnsupportedFormatException;

/**
 * Reads a {@code .jigdo} file, plain or gzip-compressed (Debian publishes them gzipped under the
 * {@code .jigdo} name; detected by the gzip magic, concatenated members included), UTF-8 text in the
 * format of jigdo-file(1) "FORMAT OF .JIGDO FILES": {@code #} comments, whitespace trimmed at line ends
 * and around section names and {@code =} (libjte leaves a trailing space after Template-SHA256Sum),
 * {@code [Comment]} sections skipped, {@code [Include ...]} directives kept as empty sections and not
 * followed. A {@code [Jigdo] Version} above major {@value JigdoFile#MAX_VERSION_MAJOR} is refused, as jigdo-file does.
 */
public final class JigdoFileReader {
    /** 64 MiB of text: Debian's largest .jigdo files are a few MiB. Also bounds a gzip bomb. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    private static final int GZIP_MAGIC = 0x8b1f;

    private JigdoFileReader() {}

    public static JigdoFile read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, DEFAULT_MAX_BYTES);
        }
    }

    /**
     * Parses the {@code .jigdo} text in {@code in}, decompressing it first if it is gzip.
     *
     * @throws LimitExceededException if the (decompressed) text is over {@code maxBytes}
     * @throws CorruptInputException for bad gzip or UTF-8, a line that is neither comment, section nor
     *     {@code Key=Value}, or an entry outside a section (the message names the line)
     * @throws FormatException if there is no section at all
     * @throws UnsupportedFormatException if {@code [Jigdo] Version} is newer than jigdo-file reads
     */
    public static JigdoFile read(InputStream in, long maxBytes) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in);
        b.mark(2);
        int m = b.read() | b.read() << 8;
        b.reset();
        InputStream text = b;
        if (m == GZIP_MAGIC) {
            try {
                text = new GZIPInputStream(b, 1 << 16);
            } catch (ZipException | java.io.EOFException e) {
                throw new CorruptInputException(".jigdo file starts like gzip but is not: " + e.getMessage());
            }
        }
        return parse(decode(readAll(text, maxBytes, m == GZIP_MAGIC)));
    }

    /** Parses {@code .jigdo} text already decoded. */
    public static JigdoFile parse(String text) throws IOException {
        List<JigdoFile.Section> sections = new ArrayList<>();
        List<JigdoFile.Entry> entries = null;
        boolean comment = false;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String raw = lines[i];
            String line = raw.substring(0, JigdoWords.commentStart(raw)).strip();
            if (raw.strip().startsWith("[")) {
                String header = raw.strip();
                int close = header.indexOf(']');
                if (close < 0) {
                    throw new CorruptInputException(".jigdo line " + lineNo + ": section header '" + shorten(header)
                            + "' has no closing ']'");
                }
                String name = header.substring(1, close).strip();
                comment = name.equalsIgnoreCase("Comment");
                entries = new ArrayList<>();
                sections.add(new JigdoFile.Section(name.startsWith("Include") ? "Include" : name, entries));
                continue;
            }
            if (comment || line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new CorruptInputException(".jigdo line " + lineNo + ": expected Key=Value or [Section], found '"
                        + shorten(line) + "'");
            }
            if (entries == null) {
                throw new CorruptInputException(".jigdo line " + lineNo + ": entry '" + shorten(line)
                        + "' comes before any [Section]");
            }
            entries.add(new JigdoFile.Entry(line.substring(0, eq).strip(), line.substring(eq + 1).strip(), lineNo));
        }
        if (sections.isEmpty()) {
            throw new FormatException("not a .jigdo file: no [Section] in it");
        }
        JigdoFile jigdo = new JigdoFile(List.copyOf(sections));
        checkVersion(jigdo);
        return jigdo;
    }

    private static void checkVersion(JigdoFile jigdo) throws IOException {
        var v = jigdo.section("Jigdo").flatMap(s -> s.first("Version"));
        if (v.isEmpty()) {
            return;
        }
        String version = v.get().firstWord();
        String major = version.contains(".") ? version.substring(0, version.indexOf('.')) : version;
        int n;
        try {
            n = Integer.parseInt(major);
        } catch (NumberFormatException e) {
            throw new CorruptInputException(".jigdo line " + v.get().line() + ": [Jigdo] Version '" + shorten(version)
                    + "' is not a number like 1.2 or 2.0");
        }
        if (n > JigdoFile.MAX_VERSION_MAJOR || n < 0) {
            throw new UnsupportedFormatException(".jigdo line " + v.get().line() + ": [Jigdo] Version " + version
                    + " is newer than the formats read here (up to " + JigdoFile.MAX_VERSION_MAJOR + ".x)");
        }
    }

    private static byte[] readAll(InputStream in, long maxBytes, boolean gzip) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new LimitExceededException(".jigdo file is over the limit of " + maxBytes + " bytes"
                            + (gzip ? " when decompressed" : ""), total, maxBytes);
                }
                out.write(buf, 0, n);
            }
        } catch (ZipException | java.io.EOFException e) {
            throw new CorruptInputException(".jigdo file's gzip data is corrupt: " + e.getMessage());
        }
        return out.toByteArray();
    }

    private static String decode(byte[] bytes) throws CorruptInputException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptInputException(".jigdo file is not UTF-8 text: " + e.getMessage());
        }
    }

    private static String shorten(String s) {
        return JigdoBase64.abbreviate(s);
    }
}
