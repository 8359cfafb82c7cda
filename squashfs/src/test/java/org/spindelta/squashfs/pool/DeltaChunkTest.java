package org.spindelta.squashfs.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spindelta.bsdiff.generate.BlockDiff;
import org.spindelta.core.CorruptInputException;

/**
 * Delta chunks read through {@link SegmentReader}: made from their references (from the pool or from a
 * local source), and refused with one line when a reference is missing, is itself a delta, or the delta
 * does not make the chunk. Contents are a real binary and an edited copy of it.
 */
class DeltaChunkTest {
    private static byte[] binary() throws Exception {
        for (String p : new String[] {"/usr/bin/bash", "/usr/bin/ls", "/bin/sh"}) {
            if (Files.isRegularFile(Path.of(p))) {
                return Arrays.copyOf(Files.readAllBytes(Path.of(p)), 100_000);
            }
        }
        throw new IllegalStateException("no system binary");
    }

    /** One segment holding the given stored bytes end to end, indexed by the given entries' lengths. */
    private static PackIndex pack(List<byte[]> stored, List<PackIndex.Entry> shape) throws Exception {
        java.io.ByteArrayOutputStream seg = new java.io.ByteArrayOutputStream();
        List<PackIndex.Entry> entries = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            PackIndex.Entry e = shape.get(i);
            entries.add(new PackIndex.Entry(e.id(), 0, seg.size(), stored.get(i).length, e.contentLength(),
                    e.references()));
            seg.write(stored.get(i));
        }
        byte[] xz = PackWriter.compress(seg.toByteArray());
        segmentBytes = xz;
        return new PackIndex(ChunkId.of(xz, 0, xz.length).hex(), xz.length,
                List.of(new PackIndex.Segment(0, xz.length, seg.size(), ChunkId.of(xz, 0, xz.length))), entries);
    }

    private static byte[] segmentBytes;

    @Test
    void deltasAreMadeFromTheirReferencesAndEveryLieIsCaught() throws Exception {
        byte[] old = binary();
        byte[] nw = old.clone();
        for (int i = 0; i < nw.length; i += 997) {
            nw[i] ^= 0x33;
        }
        ChunkId oldId = ChunkId.of(old, 0, old.length);
        ChunkId newId = ChunkId.of(nw, 0, nw.length);
        byte[] delta = BlockDiff.diff(old, old.length, nw, 0, nw.length).delta();
        assertTrue(delta.length < nw.length + 4096);
        List<Piece.Part> ref = List.of(new Piece.Part(oldId, old.length));
        byte[] other = "a second, unrelated chunk of content".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ChunkId otherId = ChunkId.of(other, 0, other.length);
        PackIndex p = pack(List.of(old, delta, delta, other),
                List.of(new PackIndex.Entry(oldId, 0, 0, old.length),
                        new PackIndex.Entry(newId, 0, 0, 1, nw.length, ref),
                        // the same delta claiming a delta as its reference
                        new PackIndex.Entry(id(9), 0, 0, 1, nw.length, List.of(new Piece.Part(newId, nw.length))),
                        new PackIndex.Entry(otherId, 0, 0, other.length)));
        byte[] xz = segmentBytes;
        PoolIndex index = new PoolIndex();
        index.add(p);
        SegmentReader reader = new SegmentReader((pack, segment) -> xz.clone());
        assertArrayEquals(nw, reader.chunk(index, index.find(newId), SegmentReader.Local.NONE));
        // a reference from a local source instead of the pool
        int[] asked = {0};
        assertArrayEquals(nw, reader.chunk(index, index.find(newId), id -> {
            asked[0]++;
            return id.equals(oldId) ? old.clone() : null;
        }));
        assertTrue(asked[0] == 1);
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> reader.chunk(index, index.find(id(9)), SegmentReader.Local.NONE));
        assertTrue(e.getMessage().contains("itself a delta"), e.getMessage());
        // a delta made against other content than its reference makes other bytes: caught by the chunk's id
        PackIndex wrongRef = pack(List.of(other, delta), List.of(new PackIndex.Entry(otherId, 0, 0, other.length),
                new PackIndex.Entry(newId, 0, 0, 1, nw.length, List.of(new Piece.Part(otherId, other.length)))));
        byte[] xz2 = segmentBytes;
        PoolIndex index2 = new PoolIndex();
        index2.add(wrongRef);
        SegmentReader reader2 = new SegmentReader((pack, segment) -> xz2.clone());
        e = assertThrows(CorruptInputException.class,
                () -> reader2.chunk(index2, index2.find(newId), SegmentReader.Local.NONE));
        assertTrue(e.getMessage().contains(newId.toString()), e.getMessage());
        // a reference no loaded pack holds
        PackIndex missing = pack(List.of(delta), List.of(new PackIndex.Entry(newId, 0, 0, 1, nw.length, ref)));
        byte[] xz3 = segmentBytes;
        PoolIndex index3 = new PoolIndex();
        index3.add(missing);
        SegmentReader reader3 = new SegmentReader((pack, segment) -> xz3.clone());
        e = assertThrows(CorruptInputException.class,
                () -> reader3.chunk(index3, index3.find(newId), SegmentReader.Local.NONE));
        assertTrue(e.getMessage().contains("in none of the packs loaded"), e.getMessage());
        // a local source offering a reference of the wrong length is caught too
        e = assertThrows(CorruptInputException.class, () -> reader.chunk(index, index.find(newId),
                id -> Arrays.copyOf(old, old.length - 1)));
        assertTrue(e.getMessage().contains("expects reference"), e.getMessage());
    }

    private static ChunkId id(int n) {
        return ChunkId.of(new byte[] {(byte) n}, 0, 1);
    }
}
