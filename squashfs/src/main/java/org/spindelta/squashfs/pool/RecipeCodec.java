package org.spindelta.squashfs.pool;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.UnsupportedFormatException;
import org.spindelta.squashfs.format.Compressor;
import org.spindelta.squashfs.spin.ImageInfo;

/** Writes and reads {@code images/NAME.recipe} (docs/formats/pool.md, "Recipe"). */
public final class RecipeCodec {
    static final int LITERAL = 1;
    static final int RECOMPRESSED = 2;
    /** A recompressed block whose content is several chunks end to end (a fragment block's tail groups). */
    static final int RECOMPRESSED_PARTS = 3;
    /** A literal piece whose content is several chunks end to end (an uncompressed fragment block's tail groups). */
    static final int LITERAL_PARTS = 4;
    /** Parts of one block: a block holds at most 1 MiB, and a part at least one byte of a tail. */
    static final int MAX_PARTS = 1 << 16;

    private RecipeCodec() {}

    public static byte[] encode(Recipe r) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64 + r.pieces().size() * 48);
        try {
            DataOutputStream out = MetadataFile.start(buf, PoolFormat.RECIPE_MAGIC, PoolFormat.RECIPE_VERSION);
            byte[] name = r.name().getBytes(StandardCharsets.UTF_8);
            out.writeInt(name.length);
            out.write(name);
            out.writeLong(r.length());
            out.write(r.sha256());
            out.writeInt(r.images().size());
            for (ImageInfo i : r.images()) {
                out.writeLong(i.offset());
                out.writeLong(i.length());
                out.writeShort(i.compressor().id());
                out.writeInt(i.blockSize());
                out.writeInt(i.options().length);
                out.write(i.options());
                byte[] enc = i.encoder().getBytes(StandardCharsets.UTF_8);
                out.writeInt(enc.length);
                out.write(enc);
            }
            out.writeInt(r.packs().size());
            for (String p : r.packs()) {
                out.write(HexFormat.of().parseHex(p));
            }
            out.writeInt(r.pieces().size());
            for (Piece p : r.pieces()) {
                boolean cut = p.chunks().size() > 1;
                out.writeByte(p instanceof Piece.Recompressed ? (cut ? RECOMPRESSED_PARTS : RECOMPRESSED)
                        : (cut ? LITERAL_PARTS : LITERAL));
                out.write(p.id().toBytes());
                out.writeInt(p.contentLength());
                if (p instanceof Piece.Recompressed c) {
                    out.writeByte(c.image());
                    out.writeByte(c.metadata() ? 1 : 0);
                    out.writeInt(c.storedLength());
                    out.write(c.storedId().toBytes());
                }
                if (cut) {
                    out.writeInt(p.chunks().size());
                    for (Piece.Part part : p.chunks()) {
                        out.write(part.id().toBytes());
                        out.writeInt(part.length());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return MetadataFile.seal(buf);
    }

    /**
     * @param file the file's name, for messages
     * @throws org.spindelta.core.FormatException not a recipe
     * @throws CorruptInputException damaged: bad trailer, a field out of range, pieces not adding up
     */
    public static Recipe decode(byte[] bytes, String file) throws IOException {
        FieldReader r = MetadataFile.open(bytes, PoolFormat.RECIPE_MAGIC, file, "recipe", PoolFormat.RECIPE_VERSION);
        String name = r.utf8(r.u32("name length", PoolFormat.MAX_NAME), "name");
        long length = r.u64("image length", Long.MAX_VALUE);
        byte[] sha = r.bytes(32, "image sha256");
        int imageCount = r.u32("image count", PoolFormat.MAX_IMAGES);
        List<ImageInfo> images = new ArrayList<>();
        for (int i = 0; i < imageCount; i++) {
            long off = r.u64("image " + i + " offset", length);
            long len = r.u64("image " + i + " length", length - off);
            int at = r.position();
            Compressor c;
            try {
                c = Compressor.fromId(r.u16("image " + i + " compressor"), at);
            } catch (UnsupportedFormatException e) {
                throw r.corrupt("image " + i + ": " + e.getMessage());
            }
            int blockSize = r.u32("image " + i + " block size", 1 << 20);
            byte[] options = r.bytes(r.u32("image " + i + " options length", PoolFormat.MAX_INFO_FIELD), "options");
            String encoder = r.utf8(r.u32("image " + i + " encoder length", PoolFormat.MAX_INFO_FIELD), "encoder");
            images.add(new ImageInfo(off, len, c, blockSize, options, encoder));
        }
        int packCount = r.u32("pack count", Math.min(PoolFormat.MAX_PACKS, r.remaining() / 32));
        List<String> packs = new ArrayList<>(packCount);
        for (int i = 0; i < packCount; i++) {
            packs.add(HexFormat.of().formatHex(r.bytes(32, "pack " + i)));
        }
        int pieceCount = r.u32("piece count", Math.min(PoolFormat.MAX_PIECES, r.remaining() / 37));
        List<Piece> pieces = new ArrayList<>(pieceCount);
        for (int i = 0; i < pieceCount; i++) {
            int at = r.position();
            int type = r.u8("piece " + i + " type");
            ChunkId id = r.id("piece " + i + " chunk");
            int content = r.u32("piece " + i + " content length", PoolFormat.MAX_CHUNK);
            if (content == 0) {
                throw r.corrupt("piece " + i + " at byte " + at + " is empty");
            }
            if (type == LITERAL || (type == LITERAL_PARTS && r.version >= 2)) {
                pieces.add(new Piece.Literal(id, content, type == LITERAL ? List.of() : parts(r, i, at, content)));
            } else if (type == RECOMPRESSED || type == RECOMPRESSED_PARTS) {
                int image = r.u8("piece " + i + " image");
                if (image >= imageCount) {
                    throw r.corrupt("piece " + i + " at byte " + at + " names image " + image + ", the recipe has "
                            + imageCount);
                }
                int metadata = r.u8("piece " + i + " metadata flag");
                if (metadata > 1) {
                    throw r.corrupt("piece " + i + " metadata flag " + metadata + " is not 0 or 1");
                }
                int stored = r.u32("piece " + i + " stored length", PoolFormat.MAX_CHUNK);
                if (stored == 0 || (metadata == 1 && stored > org.spindelta.squashfs.format.SquashfsConstants
                        .METADATA_SIZE_MASK)) {
                    throw r.corrupt("piece " + i + " stored length " + stored + " is out of range");
                }
                ChunkId storedId = r.id("piece " + i + " stored sha256");
                List<Piece.Part> parts = type == RECOMPRESSED_PARTS ? parts(r, i, at, content) : List.of();
                pieces.add(new Piece.Recompressed(id, content, image, metadata == 1, stored, storedId, parts));
            } else {
                throw r.corrupt("piece " + i + " at byte " + at + " has type " + type + ", not " + LITERAL + " (literal), "
                        + RECOMPRESSED + " (recompressed), " + RECOMPRESSED_PARTS + " (recompressed from parts)"
                        + (r.version >= 2 ? " or " + LITERAL_PARTS + " (literal from parts)" : ""));
            }
        }
        if (r.remaining() != 0) {
            throw r.corrupt(r.remaining() + " bytes after the last piece");
        }
        try {
            return new Recipe(name, length, sha, images, packs, pieces);
        } catch (IllegalArgumentException e) {
            throw r.corrupt(e.getMessage());
        }
    }

    /** The parts of piece {@code i} (at byte {@code at}): at least two, adding up to its content length. */
    private static List<Piece.Part> parts(FieldReader r, int i, int at, int content) throws IOException {
        int n = r.u32("piece " + i + " part count", Math.min(MAX_PARTS, r.remaining() / 36));
        List<Piece.Part> parts = new ArrayList<>(n);
        long sum = 0;
        for (int k = 0; k < n; k++) {
            ChunkId pid = r.id("piece " + i + " part " + k);
            int len = r.u32("piece " + i + " part " + k + " length", PoolFormat.MAX_CHUNK);
            if (len == 0) {
                throw r.corrupt("piece " + i + " part " + k + " is empty");
            }
            sum += len;
            parts.add(new Piece.Part(pid, len));
        }
        if (n < 2 || sum != content) {
            throw r.corrupt("piece " + i + " at byte " + at + " has " + n + " parts adding up to " + sum
                    + " bytes; it needs at least 2 adding up to its " + content);
        }
        return parts;
    }
}
