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

    /**
     * A chunk: {@code [offset, offset + length)} of segment {@code segment}'s decoded bytes. With no
     * references those bytes are the chunk's content; else they are a block delta (bsdiff's
     * {@code BlockDelta}) that makes the content, {@code contentLength} bytes, from the references' contents
     * laid end to end. A reference is always a chunk stored whole (deltas are one step deep), found through
     * the same index.
     */
    public record Entry(ChunkId id, int segment, int offset, int length, int contentLength,
            List<Piece.Part> references) {
        public Entry {
            references = List.copyOf(references);
            if (references.size() > PoolFormat.MAX_REFERENCES || contentLength <= 0
                    || contentLength > PoolFormat.MAX_CHUNK || (references.isEmpty() && contentLength != length)) {
                throw new IllegalArgumentException("chunk " + id + ": " + references.size() + " references, content of "
                        + contentLength + " bytes stored in " + length);
            }
        }

        /** A chunk stored whole. */
        public Entry(ChunkId id, int segment, int offset, int length) {
            this(id, segment, offset, length, length, List.of());
        }

        public boolean delta() {
            return !references.isEmpty();
        }
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
            DataOutputStream out = MetadataFile.start(buf, PoolFormat.INDEX_MAGIC, PoolFormat.INDEX_VERSION);
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
                out.writeInt(e.contentLength());
                out.writeByte(e.references().size());
                for (Piece.Part ref : e.references()) {
                    out.write(ref.id().toBytes());
                    out.writeInt(ref.length());
                }
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
        FieldReader r = MetadataFile.open(bytes, PoolFormat.INDEX_MAGIC, file, "pack index", PoolFormat.INDEX_VERSION);
        boolean v2 = r.version >= 2;
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
        int entryCount = r.u32("chunk count", Math.min(PoolFormat.MAX_ENTRIES, r.remaining() / (v2 ? 49 : 44)));
        List<Entry> entries = new ArrayList<>(entryCount);
        for (int i = 0; i < entryCount; i++) {
            ChunkId id = r.id("chunk " + i + " id");
            int segment = r.u32("chunk " + i + " segment", Integer.MAX_VALUE);
            int offset = r.u32("chunk " + i + " offset", PoolFormat.MAX_SEGMENT);
            int length = r.u32("chunk " + i + " length", PoolFormat.MAX_CHUNK);
            if (!v2) {
                entries.add(new Entry(id, segment, offset, length));
                continue;
            }
            int contentLength = r.u32("chunk " + i + " content length", PoolFormat.MAX_CHUNK);
            int refCount = r.u8("chunk " + i + " reference count");
            if (refCount > PoolFormat.MAX_REFERENCES) {
                throw r.corrupt("chunk " + i + " has " + refCount + " references, at most "
                        + PoolFormat.MAX_REFERENCES + " are allowed");
            }
            List<Piece.Part> refs = new ArrayList<>(refCount);
            for (int k = 0; k < refCount; k++) {
                ChunkId ref = r.id("chunk " + i + " reference " + k);
                refs.add(new Piece.Part(ref, r.u32("chunk " + i + " reference " + k + " length", PoolFormat.MAX_CHUNK)));
            }
            if (refCount == 0 && contentLength != length) {
                throw r.corrupt("chunk " + i + " is stored whole in " + length + " bytes but has " + contentLength);
            }
            if (contentLength == 0 || refs.stream().anyMatch(x -> x.length() == 0)) {
                throw r.corrupt("chunk " + i + " has an empty content or reference");
            }
            entries.add(new Entry(id, segment, offset, length, contentLength, refs));
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

    /** Bytes of chunk content in the pack (a delta chunk counts the content it makes). */
    public long contentLength() {
        return entries.stream().mapToLong(Entry::contentLength).sum();
    }
}
