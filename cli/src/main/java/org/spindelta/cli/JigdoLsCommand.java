package org.spindelta.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.commons.codec.binary.Hex;
import org.spindelta.core.InputFile;
import org.spindelta.core.NonClosingOutputStream;
import org.spindelta.core.SpindeltaException;
import org.spindelta.jigdo.format.DataPart;
import org.spindelta.jigdo.format.DescEntry;
import org.spindelta.jigdo.format.JigdoBase64;
import org.spindelta.jigdo.format.Template;
import org.spindelta.jigdo.format.TemplateListing;
import org.spindelta.jigdo.format.TemplateReader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code spindelta jigdo ls TEMPLATE}: every DESC entry (kind, image offset, length, checksum, rsync64 sum),
 * exactly as {@code jigdo-file list-template} prints them; {@code --json} adds the header and the parts.
 */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = "List a template's DESC entries as 'jigdo-file list-template' does: unmatched bytes "
                + "(in-template), matched files (need-file-*) and the image info.")
final class JigdoLsCommand implements Callable<Integer> {
    /** Where --json output goes: System.out by default; tests capture bytes by replacing it. */
    static OutputStream stdout = System.out;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @ArgGroup(exclusive = true)
    Format format = new Format();

    static final class Format {
        @Option(names = "--json", description = "Print the header, the DATA/BZIP parts and every entry as JSON.")
        boolean json;

        @Option(names = "--hex", description = "Checksums in hex instead of jigdo's base64.")
        boolean hex;
    }

    @Parameters(index = "0", paramLabel = "TEMPLATE")
    Path template;

    @Override
    public Integer call() throws Exception {
        Template t;
        try (FileChannel ch = InputFile.open(template, "TEMPLATE")) {
            t = TemplateReader.read(ch);
        } catch (SpindeltaException e) {
            throw new SpindeltaException(template + ": " + e.getMessage(), e);
        }
        if (format.json) {
            json(t);
        } else {
            PrintWriter out = spec.commandLine().getOut();
            for (DescEntry e : t.entries()) {
                out.println(TemplateListing.line(e, format.hex));
            }
            out.flush();
        }
        return 0;
    }

    private void json(Template t) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(new NonClosingOutputStream(stdout), JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("template", template.toString());
            g.writeStringField("version", t.header().version());
            g.writeStringField("creator", t.header().creator());
            g.writeStringField("checksum", t.checksumKind().label());
            g.writeNumberField("imageLength", t.imageLength());
            g.writeStringField("imageChecksum", Hex.encodeHexString(t.imageInfo().checksum()));
            g.writeArrayFieldStart("parts");
            for (DataPart p : t.parts()) {
                g.writeStartObject();
                g.writeStringField("compression", p.compression().name().toLowerCase(java.util.Locale.ROOT));
                g.writeNumberField("fileOffset", p.fileOffset());
                g.writeNumberField("partLength", p.partLength());
                g.writeNumberField("dataOffset", p.dataOffset());
                g.writeNumberField("dataLength", p.dataLength());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("entries");
            for (DescEntry e : t.entries()) {
                g.writeStartObject();
                g.writeNumberField("type", e.type().value());
                g.writeStringField("kind", e.type().listName());
                g.writeNumberField("offset", e.imageOffset());
                g.writeNumberField("length", e.length());
                if (e.checksum() != null) {
                    g.writeStringField("checksum", Hex.encodeHexString(e.checksum()));
                    g.writeStringField("checksumBase64", JigdoBase64.encode(e.checksum()));
                }
                if (e.rsync64() != null) {
                    g.writeStringField("rsync64", Hex.encodeHexString(e.rsync64()));
                }
                if (e.blockLength() >= 0) {
                    g.writeNumberField("blockLength", e.blockLength());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
        stdout.flush();
    }
}
