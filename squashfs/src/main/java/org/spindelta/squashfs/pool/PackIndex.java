package org.spindelta.squashfs.pool;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The index of one pack ({@code packs/HASH.idx}, docs/formats/pool.md "Pack index"): the pack's
 * segments (independent xz streams laid end to end) and, for each chunk, its segment and place in the
 * segment's decoded bytes. Checked on construction: segments tile the pack from byte 0, every chunk lies
 * inside its segment.
 */
public record PackIndex(String pack, long packLength, List<Segment> segments, List<Entry> entries) {
    /**
     * @param offset where the segment starts in the pack
     * @param length its compressed bytes
     * @param decodedLength its bytes once decoded
     * @param sha256 of its compressed bytes: a fetched segment is checked before it is decoded or cached
     */
    public record Segment(long offset, int length, int decodedLength, ChunkId sha256) {
    }

    /** A chunk: {@code [offset, offset + length)} of segment {@code segment}'s decoded bytes. */
    public record Entry(ChunkId id, int segment, int offset, int length) {
    }

    public PackIndex {
        segments = List.copyOf(segments);
        entries = List.copyOf(entries);
        long at = 0;
        for (Segment s : segments) {
            if (s.offset() != at || s.length() <= 0 || s.decodedLength() <= 0
                    || s.decodedLength() > PoolFormat.MAX_SEGMENT) {
                throw new IllegalArgumentException("segment at " + s.offset() + " (" + s.length() + " bytes, "
                        + s.decodedLength() + " decoded) does not continue the pack at byte " + at
                        + " or is out of range");
            }
            at += s.length();
        }
        if (at != packLength) {
            throw new IllegalArgumentException("segments cover " + at + " bytes of a " + packLength + "-byte pack");
        }
        for (Entry e : entries) {
            if (e.segment() < 0 || e.segment() >= segments.size() || e.offset() < 0 || e.length() <= 0
                    || (long) e.offset() + e.length() > segments.get(e.segment()).decodedLength()) {
                throw new IllegalArgumentException("chunk " + e.id() + " at " + e.offset() + "+" + e.length()
                        + " of segment " + e.segment() + " lies outside the pack's segments");
            }
        }
    }

    public byte[] encode() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64 + segments.size() * 48 + entries.size() * 44);
        try {
            DataOutputStream out = MetadataFile.start(buf, PoolFormat.INDEX_MAGIC);
            out.write(java.util.HexFormat.of().parseHex(pack));
            out.writeLong(packLength);
            out.writeInt(segments.size());
            for (Segment s : segments) {
                out.writeLong(s.offset());
                out.writeInt(s.length());
                out.writeInt(s.decodedLength());
                out.write(s.sha256().toBytes());
            }
            out.writeInt(entries.size());
            for (Entry e : entries) {
                out.write(e.id().toBytes());
                out.writeInt(e.segment());
                out.writeInt(e.offset());
                out.writeInt(e.length());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return MetadataFile.seal(buf);
    }

    /**
     * @param expectedPack the pack this index must describe (its file name), lower-case hex
     */
    public static PackIndex decode(byte[] bytes, String file, String expectedPack) throws IOException {
        FieldReader r = MetadataFile.open(bytes, PoolFormat.INDEX_MAGIC, file, "pack index");
        String pack = java.util.HexFormat.of().formatHex(r.bytes(32, "pack sha256"));
        if (!pack.equals(expectedPack)) {
            throw r.corrupt("describes pack " + pack + ", not " + expectedPack);
        }
        long packLength = r.u64("pack length", Long.MAX_VALUE);
        int segCount = r.u32("segment count", Math.min(PoolFormat.MAX_SEGMENTS, r.remaining() / 48));
        List<Segment> segments = new ArrayList<>(segCount);
        for (int i = 0; i < segCount; i++) {
            long off = r.u64("segment " + i + " offset", packLength);
            int len = r.u32("segment " + i + " length", Integer.MAX_VALUE);
            int dec = r.u32("segment " + i + " decoded length", PoolFormat.MAX_SEGMENT);
            segments.add(new Segment(off, len, dec, r.id("segment " + i + " sha256")));
        }
        int entryCount = r.u32("chunk count", Math.min(PoolFormat.MAX_ENTRIES, r.remaining() / 44));
        List<Entry> entries = new ArrayList<>(entryCount);
        for (int i = 0; i < entryCount; i++) {
            ChunkId id = r.id("chunk " + i + " id");
            entries.add(new Entry(id, r.u32("chunk " + i + " segment", Integer.MAX_VALUE),
                    r.u32("chunk " + i + " offset", PoolFormat.MAX_SEGMENT),
                    r.u32("chunk " + i + " length", PoolFormat.MAX_CHUNK)));
        }
        if (r.remaining() != 0) {
            throw r.corrupt(r.remaining() + " bytes after the last chunk");
        }
        try {
            return new PackIndex(pack, packLength, segments, entries);
        } catch (IllegalArgumentException e) {
            throw r.corrupt(e.getMessage());
        }
    }

    /** Bytes of chunk content in the pack. */
    public long contentLength() {
        return entries.stream().mapToLong(Entry::length).sum();
    }
}
