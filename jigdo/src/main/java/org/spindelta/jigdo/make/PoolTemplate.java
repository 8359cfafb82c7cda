package org.spindelta.jigdo.make;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.NonClosingOutputStream;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;
import org.spindelta.core.StagedOutput;
import org.spindelta.jigdo.format.JigdoFile;
import org.spindelta.jigdo.template.ImageLayout;
import org.spindelta.jigdo.template.ImagePiece;
import org.spindelta.jigdo.template.ImageTemplateWriter;
import org.spindelta.jigdo.template.JigdoFileWriter;
import org.spindelta.jigdo.template.TemplateSummary;
import org.spindelta.squashfs.pool.Piece;
import org.spindelta.squashfs.pool.Pool;
import org.spindelta.squashfs.pool.PoolGet;
import org.spindelta.squashfs.pool.Recipe;
import org.spindelta.squashfs.pool.SegmentReader;
import org.spindelta.squashfs.spin.SystemRecompressors;

/**
 * An image of a pool as a {@code .jigdo}/{@code .template} pair for jigdo clients (jigdo-lite, jigdo-file,
 * ours): every piece of the image's recipe (a data, fragment or metadata block, a run of container bytes)
 * of at least the minimum length is a part, a file holding the piece's bytes as they are in the image, under
 * {@code DIR/parts/} and named by their SHA-256 (an existing part file is used only if it holds exactly
 * those bytes, else it is written again); shorter pieces stay in the template. A pool's packs hold
 * chunks decoded and compressed solidly, which no jigdo client can read, so the parts are written out once:
 * images exported into the same directory share every part they have in common (a spin's unchanged
 * blocks are the base's part files), and a mirror publishes the directory as static files. The image is
 * rebuilt from the pool first (checked against the recipe's SHA-256) into a temporary file in DIR, which is
 * removed afterwards; parts, template and .jigdo are each written to a temporary file and renamed into place.
 */
public final class PoolTemplate {
    /** The [Servers] label of the parts. */
    public static final String LABEL = "Pool";
    /** Directory of the part files, inside the export directory. */
    public static final String PARTS_DIR = "parts";

    private PoolTemplate() {}

    /**
     * What was made.
     *
     * @param pieces pieces of the recipe
     * @param parts pieces that are parts (at least the minimum length)
     * @param partBytes image bytes those parts supply
     * @param partsWritten part files this export wrote; the others were in DIR already
     */
    public record Result(TemplateSummary summary, Path jigdo, Path template, int pieces, int parts, long partBytes,
            int partsWritten) {}

    /**
     * Exports image {@code name} of {@code pool} to {@code dir}/{@code name}.jigdo and .template, with its parts
     * in {@code dir}/parts. The {@code Pool} label's servers are {@code o.servers().get("Pool")}, else the
     * directory as a {@code file:} URI.
     *
     * @param sources images the rebuild may read chunks from instead of the pool (as {@code pool get --source})
     */
    public static Result export(Pool pool, String name, Path dir, List<Path> sources, MakeTemplate.Options o,
            Progress progress) throws IOException {
        Recipe recipe = pool.recipe(name);
        Files.createDirectories(dir.resolve(PARTS_DIR));
        Path jigdo = dir.resolve(name + ".jigdo");
        Path template = dir.resolve(name + ".template");
        Path image = dir.resolve("." + name + ".image." + ProcessHandle.current().pid());
        try {
            PoolGet.get(pool.files(), recipe, new SegmentReader(SegmentReader.direct(pool.files())), sources, image,
                    Math.max(1, o.threads()), SystemRecompressors.INSTANCE, progress);
            try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
                Parts parts = writeParts(ch, recipe, dir, o.minSize(), progress);
                ImageLayout layout = ImageLayout.of(recipe.length(), parts.matched);
                try (StagedOutput t = StagedOutput.create(template); StagedOutput j = StagedOutput.create(jigdo)) {
                    OutputStream out = Channels.newOutputStream(t.channel());
                    ImageTemplateWriter.Result w = ImageTemplateWriter.write(ch, layout, new NonClosingOutputStream(out),
                            o.template(), progress);
                    out.flush();
                    Map<String, List<JigdoFile.Server>> servers = new LinkedHashMap<>();
                    List<String> uris = o.servers().getOrDefault(LABEL,
                            List.of("file:" + dir.toAbsolutePath().normalize() + "/"));
                    servers.put(LABEL, uris.stream().map(u -> new JigdoFile.Server(u, false)).toList());
                    OutputStream jo = Channels.newOutputStream(j.channel());
                    JigdoFileWriter.write(MakeTemplate.description(Path.of(name), jigdo, template, w.summary(), w.parts(),
                            servers, o), jo, o.gzipJigdo(), o.template().creator());
                    jo.flush();
                    t.commit();
                    j.commit();
                    return new Result(w.summary(), jigdo, template, recipe.pieces().size(), parts.matched.size(),
                            parts.bytes, parts.written);
                }
            }
        } finally {
            Files.deleteIfExists(image);
        }
    }

    /** The parts of an export: their places in the image, and what writing them took. */
    private static final class Parts {
        final List<ImagePiece.Matched> matched = new ArrayList<>();
        long bytes;
        int written;
    }

    /** Writes the part file of every piece of at least {@code minLength} bytes that DIR lacks. */
    private static Parts writeParts(FileChannel image, Recipe recipe, Path dir, long minLength, Progress progress)
            throws IOException {
        Parts parts = new Parts();
        progress.start("parts", recipe.length());
        MessageDigest sha = Sha256.newDigest();
        byte[] buf = new byte[0];
        long at = 0;
        for (Piece p : recipe.pieces()) {
            int len = p.imageLength();
            if (len >= minLength) {
                if (buf.length < len) {
                    buf = new byte[len];
                }
                ChannelInput.readFully(image, at, buf, 0, len, "image");
                sha.reset();
                sha.update(buf, 0, len);
                String hex = Sha256.hex(sha.digest());
                String relative = PARTS_DIR + "/" + hex.substring(0, 2) + "/" + hex;
                Path file = dir.resolve(relative);
                if (!holds(file, buf, len)) {
                    Files.createDirectories(file.getParent());
                    try (StagedOutput out = StagedOutput.create(file)) {
                        ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
                        while (b.hasRemaining()) {
                            out.channel().write(b);
                        }
                        out.commit();
                    }
                    parts.written++;
                }
                parts.matched.add(new ImagePiece.Matched(at, len, LABEL + ":" + relative));
                parts.bytes += len;
            }
            at += len;
            progress.advance(len);
        }
        return parts;
    }

    /** Whether {@code file} is a part file holding exactly {@code buf[0, len)}: else it is (re)written. */
    private static boolean holds(Path file, byte[] buf, int len) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) != len) {
            return false;
        }
        byte[] have = Files.readAllBytes(file);
        return have.length == len && Arrays.equals(have, 0, len, buf, 0, len);
    }
}
