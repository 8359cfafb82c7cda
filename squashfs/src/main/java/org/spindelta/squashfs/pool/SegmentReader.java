package org.spindelta.squashfs.pool;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.SpindeltaException;
import org.spindelta.bsdiff.format.BlockDelta;
import org.spindelta.squashfs.codec.NativeXzBlockDecompressor;
import org.tukaani.xz.XZInputStream;

/**
 * Reads chunks out of packs: fetches a segment's compressed bytes, checks them against the index's
 * SHA-256, decodes them (exactly the recorded length) and keeps the last few decoded segments, since a
 * recipe's pieces mostly walk a pack in order. Thread-safe: two threads wanting one segment decode it once.
 *
 * <p>Memory: at most {@link #CACHED_SEGMENTS} decoded segments of up to {@link PoolFormat#MAX_SEGMENT}.
 */
public final class SegmentReader {
    /** Decoded segments kept: enough for every pipeline thread to work in a different one. */
    static final int CACHED_SEGMENTS = 8;

    /** Where a segment's compressed bytes come from (the pool's files, or a cache of fetched ones). */
    @FunctionalInterface
    public interface Fetch {
        byte[] fetch(PackIndex pack, int segment) throws IOException;

        /** Told, before a rebuild, every segment it will read (a remote source fetches them now, in bulk). */
        default void prefetch(Map<PackIndex, java.util.SortedSet<Integer>> segments) throws IOException {
        }
    }

    private record Key(String pack, int segment) {
    }

    private final Fetch fetch;
    private final Map<Key, CompletableFuture<byte[]>> cache;

    public SegmentReader(Fetch fetch) {
        this(fetch, CACHED_SEGMENTS);
    }

    /** @param cached decoded segments kept */
    public SegmentReader(Fetch fetch, int cached) {
        this.fetch = fetch;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, CompletableFuture<byte[]>> eldest) {
                return size() > cached;
            }
        };
    }

    /** Segments read straight from the pool's pack files. */
    public static Fetch direct(PoolFiles files) {
        return (pack, segment) -> {
            PackIndex.Segment s = pack.segments().get(segment);
            return files.readRange(packPath(pack.pack()), s.offset(), s.length());
        };
    }

    static String packPath(String pack) {
        return PoolFormat.PACKS_DIR + "/" + pack + PoolFormat.PACK_SUFFIX;
    }

    /** See {@link Fetch#prefetch}. */
    public void prefetch(Map<PackIndex, java.util.SortedSet<Integer>> segments) throws IOException {
        fetch.prefetch(segments);
    }

    /** Supplies a chunk's content from elsewhere (a local source), or null. */
    @FunctionalInterface
    public interface Local {
        Local NONE = id -> null;

        byte[] content(ChunkId id) throws IOException;
    }

    /**
     * A chunk's content, checked against its id: as stored, or made from its delta and its references, each
     * taken from {@code local} when it has it, else from the pool through {@code index}.
     */
    public byte[] chunk(PoolIndex index, PoolIndex.Location at, Local local) throws IOException {
        PackIndex.Entry e = at.entry();
        byte[] seg = segment(at.pack(), e.segment());
        byte[] out;
        if (!e.delta()) {
            out = Arrays.copyOfRange(seg, e.offset(), e.offset() + e.length());
        } else {
            byte[] old = new byte[e.references().stream().mapToInt(Piece.Part::length).sum()];
            int o = 0;
            for (Piece.Part ref : e.references()) {
                byte[] r = local.content(ref.id());
                if (r == null) {
                    PoolIndex.Location where = index.find(ref.id());
                    if (where == null || where.entry().delta()) {
                        throw new CorruptInputException("pack " + at.pack().pack() + ": delta chunk " + e.id()
                                + " refers to chunk " + ref.id() + ", which is " + (where == null
                                ? "in none of the packs loaded" : "itself a delta"));
                    }
                    r = chunk(index, where, Local.NONE);
                }
                if (r.length != ref.length()) {
                    throw new CorruptInputException("pack " + at.pack().pack() + ": delta chunk " + e.id()
                            + " expects reference " + ref.id() + " of " + ref.length() + " bytes, it has " + r.length);
                }
                System.arraycopy(r, 0, old, o, r.length);
                o += r.length;
            }
            out = BlockDelta.apply(old, old.length, seg, e.offset(), e.length(), e.contentLength(),
                    "pack " + at.pack().pack() + " delta chunk " + e.id());
        }
        if (out.length != e.contentLength() || !ChunkId.of(out, 0, out.length).equals(e.id())) {
            throw new CorruptInputException("pack " + at.pack().pack() + " is damaged: chunk " + e.id()
                    + " in segment " + e.segment() + " does not hash to its id");
        }
        return out;
    }

    /** A chunk's bytes as the pack stores them (a delta chunk's delta), not checked. */
    public byte[] stored(PoolIndex.Location at) throws IOException {
        PackIndex.Entry e = at.entry();
        return Arrays.copyOfRange(segment(at.pack(), e.segment()), e.offset(), e.offset() + e.length());
    }

    /** A segment's decoded bytes. */
    public byte[] segment(PackIndex pack, int segment) throws IOException {
        Key k = new Key(pack.pack(), segment);
        CompletableFuture<byte[]> f;
        boolean mine = false;
        synchronized (cache) {
            f = cache.get(k);
            if (f == null) {
                f = new CompletableFuture<>();
                cache.put(k, f);
                mine = true;
            }
        }
        if (mine) {
            try {
                f.complete(decode(pack, segment, fetch.fetch(pack, segment)));
            } catch (IOException | RuntimeException e) {
                f.completeExceptionally(e);
                synchronized (cache) {
                    cache.remove(k);
                }
            }
        }
        return org.spindelta.core.Futures.join(f);
    }

    /** Checks a segment's compressed bytes and decodes them to exactly the recorded length. */
    public static byte[] decode(PackIndex pack, int segment, byte[] compressed) throws IOException {
        PackIndex.Segment s = pack.segments().get(segment);
        String what = "pack " + pack.pack() + " segment " + segment;
        if (compressed.length != s.length() || !ChunkId.of(compressed, 0, compressed.length).equals(s.sha256())) {
            throw new CorruptInputException(what + " is damaged: its " + compressed.length
                    + " bytes do not match the SHA-256 in the pack's index");
        }
        byte[] out = new byte[s.decodedLength()];
        if (NativeXzBlockDecompressor.isAvailable()) {
            // the system's liblzma decodes about twice as fast as xz-java, and every add decodes the whole pool
            NativeXzBlockDecompressor xz = new NativeXzBlockDecompressor(PoolFormat.SEGMENT_XZ_MEMORY_KIB);
            int n;
            try {
                n = xz.decompress(compressed, 0, compressed.length, out, 0, out.length);
            } catch (SpindeltaException e) {
                throw new CorruptInputException(what + " does not decode: " + e.getMessage(), e);
            } finally {
                xz.close();
            }
            if (n != out.length) {
                throw new CorruptInputException(what + " decodes to " + n + " bytes, the index says " + out.length);
            }
            return out;
        }
        try (InputStream in = new XZInputStream(new ByteArrayInputStream(compressed),
                PoolFormat.SEGMENT_XZ_MEMORY_KIB)) {
            int n = in.readNBytes(out, 0, out.length);
            if (n != out.length || in.read() != -1) {
                throw new CorruptInputException(what + " decodes to " + (n == out.length ? "more than" : n)
                        + " bytes, the index says " + out.length);
            }
        } catch (SpindeltaException e) {
            throw e;
        } catch (IOException e) {
            throw new CorruptInputException(what + " does not decode: " + e.getMessage(), e);
        }
        return out;
    }
}
