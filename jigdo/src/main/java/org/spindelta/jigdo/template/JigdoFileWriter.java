package org.spindelta.jigdo.template;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.spindelta.core.NonClosingOutputStream;
import org.spindelta.jigdo.format.JigdoBase64;
import org.spindelta.jigdo.format.JigdoFile;
import org.spindelta.jigdo.format.JigdoWords;

/**
 * Writes a {@code .jigdo} file as jigdo-file 0.8 does (reference jigdo.md section 2; jigdo-file(1)
 * "FORMAT OF .JIGDO FILES"), plain or gzip-compressed:
 *
 * <pre>
 * # JigsawDownload
 * [Jigdo]    Version (1.2 for MD5, 2.0 for SHA-256), Generator
 * [Image]    Filename, Template, Template-MD5Sum or Template-SHA256Sum, ShortInfo, Info
 * [Servers]  Label=location [--try-last], a repeated label for each alternative
 * [Parts]    checksum=Label:path, in jigdo base64; last, as jigdo-file puts it, so a client can show
 *            [Image] while the rest downloads
 * </pre>
 */
public final class JigdoFileWriter {
    private JigdoFileWriter() {}

    /**
     * Everything a {@code .jigdo} file says.
     *
     * @param imageFilename the name a client saves the image as
     * @param templateUri where the template is: a URL, or a path relative to the .jigdo file
     * @param template the template's summary (its checksum and kind)
     * @param shortInfo one line describing the image (jigdo shows at most 200 characters), or empty
     * @param info a longer description, or empty
     * @param servers each label's locations in order, e.g. {@code Debian -> [file:/srv/mirror/]}
     * @param parts the matched parts; repeated (checksum, location) pairs are written once
     */
    public record Description(String imageFilename, String templateUri, TemplateSummary template,
            Optional<String> shortInfo, Optional<String> info, Map<String, List<JigdoFile.Server>> servers,
            List<PartLine> parts) {
        public Description {
            servers = new LinkedHashMap<>(servers);
            parts = List.copyOf(parts);
        }
    }

    /** Writes {@code d} to {@code out}, gzip-compressed if {@code gzip}; closes nothing. */
    public static void write(Description d, OutputStream out, boolean gzip, String generator) throws IOException {
        if (gzip) {
            GZIPOutputStream z = new GZIPOutputStream(new NonClosingOutputStream(out), 1 << 16);
            writeText(d, z, generator);
            z.finish();
            z.flush();
        } else {
            writeText(d, out, generator);
        }
    }

    private static void writeText(Description d, OutputStream out, String generator) throws IOException {
        Writer w = new OutputStreamWriter(new NonClosingOutputStream(out), StandardCharsets.UTF_8);
        TemplateSummary t = d.template();
        w.write("# JigsawDownload\n");
        w.write("# See <https://www.einval.com/~steve/software/jigdo/> for details about jigdo\n\n");
        w.write("[Jigdo]\n");
        w.write("Version=" + TemplateOptions.of(t.checksum()).version() + "\n");
        w.write("Generator=" + JigdoWords.quote(generator) + "\n\n");
        w.write("[Image]\n");
        w.write("Filename=" + JigdoWords.quote(d.imageFilename()) + "\n");
        w.write("Template=" + JigdoWords.quote(d.templateUri()) + "\n");
        w.write(t.checksum().templateKey() + "=" + JigdoBase64.encode(t.templateChecksum()) + "\n");
        if (d.shortInfo().isPresent()) {
            w.write("ShortInfo=" + JigdoWords.quote(d.shortInfo().get()) + "\n");
        }
        if (d.info().isPresent()) {
            w.write("Info=" + JigdoWords.quote(d.info().get()) + "\n");
        }
        w.write("\n[Servers]\n");
        for (Map.Entry<String, List<JigdoFile.Server>> e : d.servers().entrySet()) {
            checkLabel(e.getKey());
            for (JigdoFile.Server s : e.getValue()) {
                w.write(e.getKey() + "=" + JigdoWords.quote(s.location()) + (s.tryLast() ? " --try-last" : "") + "\n");
            }
        }
        w.write("\n[Parts]\n");
        Set<String> seen = new LinkedHashSet<>();
        for (PartLine p : d.parts()) {
            String line = JigdoBase64.encode(p.checksum()) + "=" + JigdoWords.quote(p.location()) + "\n";
            if (seen.add(line)) {
                w.write(line);
            }
        }
        w.flush();
    }

    // jigdo-file rejects labels with other characters ("Label name contains invalid character").
    private static void checkLabel(String label) {
        if (label.isEmpty() || !label.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || c == '_'
                || c == '-' || c == '.'))) {
            throw new IllegalArgumentException("server label '" + label + "' must be letters, digits, '_', '-' or '.'");
        }
    }
}
