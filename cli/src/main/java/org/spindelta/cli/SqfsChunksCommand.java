package org.spindelta.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.spindelta.core.NonClosingOutputStream;
import org.spindelta.squashfs.chunk.Chunk;
import org.spindelta.squashfs.chunk.ChunkKind;
import org.spindelta.squashfs.chunk.ChunkMap;
import org.spindelta.squashfs.chunk.ChunkUse;
import org.spindelta.squashfs.read.SquashfsImage;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code spindelta sqfs chunks IMAGE}: the image's chunk map, one line per chunk in image order (offset,
 * bytes on disk, what it is, how it is stored, decoded size, the files using it), then totals per kind;
 * {@code --summary} prints the totals only, {@code --json} everything as one JSON document.
 */
@Command(name = "chunks", mixinStandardHelpOptions = true,
        description = {"List every byte range of an image and what it holds: superblock, data and fragment blocks "
            + "(with the files using them), metadata blocks of each table, lookup indexes, padding."})
final class SqfsChunksCommand implements Callable<Integer> {
    /** Where --json output goes: System.out by default; tests capture bytes by replacing it. */
    static OutputStream stdout = System.out;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @ArgGroup(exclusive = true)
    Format format = new Format();

    static final class Format {
        @Option(names = "--json", description = "Print the map as JSON: image facts, chunks with all their uses, totals.")
        boolean json;

        @Option(names = "--summary", description = "Print only the totals per kind.")
        boolean summary;
    }

    @Parameters(index = "0", paramLabel = "IMAGE", description = "A SquashFS image file.")
    Path image;

    @Override
    public Integer call() throws Exception {
        SquashfsImage img = SqfsCommand.open(image);
        try (img) {
            ChunkMap map = ChunkMap.build(img);
            if (format.json) {
                json(map);
            } else {
                PrintWriter out = spec.commandLine().getOut();
                if (!format.summary) {
                    table(map, out);
                }
                totals(map, out);
                out.flush();
            }
        }
        return 0;
    }

    private static void table(ChunkMap map, PrintWriter out) {
        String codec = map.image().superBlock().compressor().toolName();
        out.printf(Locale.ROOT, "%12s %8s  %-32s %-7s %8s  %s%n", "OFFSET", "LENGTH", "KIND", "STORED", "DECODED",
                "USED BY");
        for (Chunk c : map.chunks()) {
            String kind = c.kind().label() + (c.index() >= 0 ? " " + c.index() : "");
            out.printf(Locale.ROOT, "%12d %8d  %-32s %-7s %8d  %s%n", c.offset(), c.length(), kind,
                    c.compressed() ? codec : "raw", c.decodedSize(), uses(map, c));
        }
    }

    /**
     * The first use, and how many more: "usr/bin/ls bytes 0..131072 (+1 more)" for a data block, "a.txt
     * @1200+37" (offset and length in the block) for a fragment block.
     */
    private static String uses(ChunkMap map, Chunk c) {
        if (c.uses().isEmpty()) {
            return "";
        }
        ChunkUse u = c.uses().get(0);
        String first = c.kind() == ChunkKind.DATA_BLOCK
                ? map.path(u) + " bytes " + u.fileOffset() + ".." + (u.fileOffset() + u.length())
                : map.path(u) + " @" + u.blockOffset() + "+" + u.length();
        return c.uses().size() == 1 ? first : first + " (+" + (c.uses().size() - 1) + " more)";
    }

    private static void totals(ChunkMap map, PrintWriter out) {
        out.printf(Locale.ROOT, "%-32s %9s %14s %14s%n", "TOTAL BY KIND", "CHUNKS", "BYTES", "DECODED");
        long n = 0;
        long bytes = 0;
        for (Map.Entry<ChunkKind, long[]> e : map.totals().entrySet()) {
            long[] v = e.getValue();
            out.printf(Locale.ROOT, "%-32s %9d %14d %14d%n", e.getKey().label(), v[0], v[1], v[2]);
            n += v[0];
            bytes += v[1];
        }
        out.printf(Locale.ROOT, "%-32s %9d %14d%n", "all", n, bytes);
    }

    private void json(ChunkMap map) throws IOException {
        var s = map.image().superBlock();
        try (JsonGenerator g = new JsonFactory().createGenerator(new NonClosingOutputStream(stdout), JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("image", image.toString());
            g.writeNumberField("length", map.length());
            g.writeNumberField("bytesUsed", s.bytesUsed());
            g.writeNumberField("blockSize", s.blockSize());
            g.writeStringField("compressor", s.compressor().toolName());
            g.writeArrayFieldStart("chunks");
            for (Chunk c : map.chunks()) {
                g.writeStartObject();
                g.writeNumberField("offset", c.offset());
                g.writeNumberField("length", c.length());
                g.writeStringField("kind", c.kind().name().toLowerCase(Locale.ROOT));
                if (c.index() >= 0) {
                    g.writeNumberField("index", c.index());
                }
                g.writeBooleanField("compressed", c.compressed());
                g.writeNumberField("decodedSize", c.decodedSize());
                if (!c.uses().isEmpty()) {
                    g.writeArrayFieldStart("uses");
                    for (ChunkUse u : c.uses()) {
                        g.writeStartObject();
                        g.writeStringField("path", map.path(u));
                        g.writeNumberField("inode", u.inodeNumber());
                        g.writeNumberField("fileOffset", u.fileOffset());
                        g.writeNumberField("blockOffset", u.blockOffset());
                        g.writeNumberField("length", u.length());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("totals");
            for (Map.Entry<ChunkKind, long[]> e : map.totals().entrySet()) {
                g.writeObjectFieldStart(e.getKey().name().toLowerCase(Locale.ROOT));
                g.writeNumberField("chunks", e.getValue()[0]);
                g.writeNumberField("bytes", e.getValue()[1]);
                g.writeNumberField("decoded", e.getValue()[2]);
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeRaw('\n');
        }
        stdout.flush();
    }
}
