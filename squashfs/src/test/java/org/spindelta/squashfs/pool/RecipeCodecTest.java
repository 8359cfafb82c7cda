package org.spindelta.squashfs.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FormatException;
import org.spindelta.core.Sha256;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.chunk.ChunkUse;
import org.spindelta.squashfs.format.Compressor;
import org.spindelta.squashfs.spin.ImageInfo;

/** Recipes and pack indexes round-trip, and every kind of damage is refused with a message naming it. */
class RecipeCodecTest {
    private static ChunkId id(int n) {
        return ChunkId.of(new byte[] {(byte) n}, 0, 1);
    }

    private static Recipe recipe() {
        ImageInfo img = new ImageInfo(0, 300, Compressor.XZ, 131072, new byte[0], "spindelta-encoder/1 xz");
        List<Piece> pieces = List.of(new Piece.Literal(id(1), 96),
                new Piece.Recompressed(id(2), 500, 0, false, 100, id(3), List.of()),
                new Piece.Recompressed(id(4), 300, 0, true, 80, id(5),
                        List.of(new Piece.Part(id(6), 100), new Piece.Part(id(7), 200))),
                new Piece.Literal(id(10), 50, List.of(new Piece.Part(id(11), 20), new Piece.Part(id(12), 30))),
                new Piece.Literal(id(8), 22));
        return new Recipe("spin-1", 96 + 100 + 82 + 50 + 22, new byte[32], List.of(img), List.of(id(9).hex()), pieces);
    }

    /** A recipe re-sealed after {@code edit}, so only the edited field is wrong. */
    private static byte[] resealed(UnaryOperator<byte[]> edit) {
        byte[] b = RecipeCodec.encode(recipe());
        byte[] body = edit.apply(Arrays.copyOf(b, b.length - 32));
        byte[] out = Arrays.copyOf(body, body.length + 32);
        System.arraycopy(Sha256.of(body, 0, body.length), 0, out, body.length, 32);
        return out;
    }

    @Test
    void roundTrip() throws Exception {
        Recipe r = recipe();
        Recipe back = RecipeCodec.decode(RecipeCodec.encode(r), "x.recipe");
        assertEquals(r.pieces(), back.pieces());
        assertEquals(r.images(), back.images());
        assertEquals(r.packs(), back.packs());
        assertEquals(r.length(), back.length());
    }

    @Test
    void literalPiecesCutIntoPartsNeedVersionTwoAndVersionOneRecipesStillRead() throws Exception {
        byte[] v2 = RecipeCodec.encode(recipe());
        assertEquals(PoolFormat.RECIPE_VERSION, ByteBuffer.wrap(v2).getInt(8));
        // the same recipe claiming version 1, which has no type 4
        byte[] claimsV1 = v2.clone();
        ByteBuffer.wrap(claimsV1).putInt(8, 1);
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> RecipeCodec.decode(reseal(claimsV1), "x.recipe"));
        assertTrue(e.getMessage().contains("has type " + RecipeCodec.LITERAL_PARTS), e.getMessage());
        // a version 1 recipe, as pools before literal parts wrote it
        Recipe old = new Recipe("old", 96 + 100 + 104, new byte[32], recipe().images(), List.of(id(9).hex()),
                List.of(new Piece.Literal(id(1), 96), new Piece.Recompressed(id(2), 500, 0, false, 100, id(3), List.of()),
                        new Piece.Literal(id(4), 104)));
        byte[] v1 = RecipeCodec.encode(old);
        ByteBuffer.wrap(v1).putInt(8, 1);
        assertEquals(old.pieces(), RecipeCodec.decode(reseal(v1), "old.recipe").pieces());
        // parts that do not add up to the piece's content
        assertThrows(IllegalArgumentException.class, () -> new Piece.Literal(id(10), 51,
                List.of(new Piece.Part(id(11), 20), new Piece.Part(id(12), 30))));
    }

    @Test
    void damageIsRefused() {
        byte[] good = RecipeCodec.encode(recipe());
        assertThrows(FormatException.class, () -> RecipeCodec.decode(new byte[] {1, 2, 3}, "x"));
        byte[] flipped = good.clone();
        flipped[40] ^= 1;
        assertTrue(assertThrows(CorruptInputException.class, () -> RecipeCodec.decode(flipped, "x")).getMessage()
                .contains("damaged"));
        assertThrows(SpindeltaException.class, () -> RecipeCodec.decode(Arrays.copyOf(good, 30), "x"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void hostileFieldsAreRefused(int which) {
        byte[] bad = resealed(b -> {
            ByteBuffer bb = ByteBuffer.wrap(b);
            int name = 12;
            int lengthAt = name + 4 + 6;
            switch (which) {
                case 0 -> bb.putInt(name, 100_000); // name length over the limit
                case 1 -> bb.putLong(lengthAt, 1 << 20); // image length the pieces do not add up to
                case 2 -> bb.putInt(b.length - 4, 7); // last piece's length changed
                case 3 -> b[b.length - 4 - 32 - 1] = 9; // last piece's type
                default -> bb.putInt(lengthAt + 8 + 32, 1000); // image count
            }
            return b;
        });
        assertThrows(SpindeltaException.class, () -> RecipeCodec.decode(bad, "x.recipe"));
    }

    @Test
    void packIndexRoundTripAndRefusals() throws Exception {
        PackIndex p = new PackIndex(id(1).hex(), 30, List.of(new PackIndex.Segment(0, 10, 100, id(2)),
                new PackIndex.Segment(10, 20, 50, id(3))), List.of(new PackIndex.Entry(id(4), 1, 10, 40)));
        assertEquals(p, PackIndex.decode(p.encode(), "x.idx", id(1).hex()));
        assertThrows(CorruptInputException.class, () -> PackIndex.decode(p.encode(), "x.idx", id(2).hex()));
        assertThrows(IllegalArgumentException.class, () -> new PackIndex(id(1).hex(), 30,
                p.segments(), List.of(new PackIndex.Entry(id(4), 1, 40, 11))));
    }

    @Test
    void deltaEntriesRoundTripAndVersionOneIndexesStillRead() throws Exception {
        List<Piece.Part> refs = List.of(new Piece.Part(id(5), 700), new Piece.Part(id(6), 300));
        PackIndex p = new PackIndex(id(1).hex(), 30, List.of(new PackIndex.Segment(0, 30, 100, id(2))),
                List.of(new PackIndex.Entry(id(4), 0, 10, 40), new PackIndex.Entry(id(7), 0, 50, 20, 900, refs)));
        PackIndex back = PackIndex.decode(p.encode(), "x.idx", id(1).hex());
        assertEquals(p, back);
        assertTrue(back.entries().get(1).delta());
        assertEquals(940, back.contentLength());
        // a version 1 index (no content lengths, no references), as the first pools wrote them
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = MetadataFile.start(buf, PoolFormat.INDEX_MAGIC, 1);
        out.write(id(1).toBytes());
        out.writeLong(30);
        out.writeInt(1);
        out.writeLong(0);
        out.writeInt(30);
        out.writeInt(100);
        out.write(id(2).toBytes());
        out.writeInt(1);
        out.write(id(4).toBytes());
        out.writeInt(0);
        out.writeInt(10);
        out.writeInt(40);
        PackIndex v1 = PackIndex.decode(MetadataFile.seal(buf), "v1.idx", id(1).hex());
        assertEquals(List.of(new PackIndex.Entry(id(4), 0, 10, 40)), v1.entries());
        // too many references, and a whole chunk whose lengths disagree, are refused with the file named
        byte[] many = p.encode();
        int refCountAt = many.length - 32 - 2 * 36 - 1;
        many[refCountAt] = (byte) (PoolFormat.MAX_REFERENCES + 1);
        byte[] resealed = reseal(many);
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> PackIndex.decode(resealed, "x.idx", id(1).hex()));
        assertTrue(e.getMessage().startsWith("x.idx"), e.getMessage());
        assertTrue(e.getMessage().contains("references"), e.getMessage());
        byte[] lying = p.encode();
        int firstContentLengthAt = 12 + 32 + 8 + 4 + 48 + 4 + 32 + 12;
        java.nio.ByteBuffer.wrap(lying).putInt(firstContentLengthAt, 41);
        byte[] resealed2 = reseal(lying);
        e = assertThrows(CorruptInputException.class, () -> PackIndex.decode(resealed2, "x.idx", id(1).hex()));
        assertTrue(e.getMessage().contains("stored whole in 40 bytes but has 41"), e.getMessage());
    }

    private static byte[] reseal(byte[] file) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(file, 0, file.length - 32);
        return MetadataFile.seal(b);
    }

    @Test
    void fragmentTailsAreGroupedByContent() {
        byte[] block = new byte[4000];
        new java.util.Random(1).nextBytes(block);
        List<ChunkUse> uses = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            uses.add(new ChunkUse(i + 1, i, 0, i * 100, 100));
        }
        List<Piece.Part> parts = FragmentParts.split(block, block.length, uses);
        assertTrue(parts.size() >= 2, parts::toString);
        assertEquals(block.length, parts.stream().mapToInt(Piece.Part::length).sum());
        // the same tails shifted behind a new one: every group after the first boundary is the same chunk
        byte[] shifted = new byte[4100];
        System.arraycopy(block, 0, shifted, 100, 4000);
        List<ChunkUse> moved = new java.util.ArrayList<>(List.of(new ChunkUse(99, 99, 0, 0, 100)));
        uses.forEach(u -> moved.add(new ChunkUse(u.pathId(), u.inodeNumber(), 0, u.blockOffset() + 100, 100)));
        List<Piece.Part> again = FragmentParts.split(shifted, shifted.length, moved);
        assertEquals(parts.subList(1, parts.size()), again.subList(again.size() - parts.size() + 1, again.size()));
        // tails that leave a gap are not cut
        assertEquals(List.of(), FragmentParts.split(block, block.length, uses.subList(1, 40)));
    }
}
