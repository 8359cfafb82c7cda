package org.spindelta.squashfs.spin;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.spindelta.core.ChannelInput;
import org.spindelta.squashfs.chunk.Chunk;
import org.spindelta.squashfs.chunk.ChunkKind;
import org.spindelta.squashfs.chunk.ChunkUse;
import org.spindelta.squashfs.chunk.PathTable;
import org.spindelta.squashfs.format.SquashfsConstants;

/**
 * What the generator knows of BASE: every chunk of its images by content (so identical target chunks
 * are copied), its files by path (so changed target files are diffed against their base version), its
 * metadata blocks by table, and the container bytes outside its images.
 */
final class BaseCatalog {
    static final int GAP_PIECE = PieceBuffers.PIECE;
    private final Map<ChunkKey, Long> chunks;
    private final PathTable paths;
    /** Base files by path number (see {@link PathTable}); null where the number is no file of BASE. */
    private final ReferenceChooser.BaseFile[] files;
    private final Map<ChunkKind, List<Source>> tables;
    private final List<Source> gaps;

    private BaseCatalog(Map<ChunkKey, Long> chunks, PathTable paths, ReferenceChooser.BaseFile[] files,
            Map<ChunkKind, List<Source>> tables, List<Source> gaps) {
        this.chunks = chunks;
        this.paths = paths;
        this.files = files;
        this.tables = tables;
        this.gaps = gaps;
    }

    /**
     * Catalogs BASE's images, whose chunk maps were built with {@code paths}; the target's maps are then built
     * with the same table, so a target file finds its base version by number. {@code readTo} is told, in
     * order, how far the catalog has read BASE (its chunks are hashed in image order).
     */
    static BaseCatalog build(FileChannel base, List<ImageLocator.Found> images, PathTable paths, int threads,
            LongConsumer readTo) throws IOException {
        Map<ChunkKey, Long> chunks = new HashMap<>(); // filled in order on this thread; read-only after
        ReferenceChooser.BaseFile[] files = new ReferenceChooser.BaseFile[paths.size()];
        Map<ChunkKind, List<Source>> tables = new EnumMap<>(ChunkKind.class);
        List<Source> gaps = new ArrayList<>();
        long pos = 0;
        for (int i = 0; i < images.size(); i++) {
            ImageLocator.Found img = images.get(i);
            addGap(gaps, pos, img.offset());
            pos = img.offset() + img.length();
            addFiles(i, img, files);
            for (Chunk c : img.map().chunks()) {
                if (c.kind().metadata()) {
                    tables.computeIfAbsent(c.kind(), k -> new ArrayList<>()).add(source(i, img, c));
                }
            }
            hashChunks(base, img, chunks, threads, readTo);
        }
        addGap(gaps, pos, base.size());
        return new BaseCatalog(chunks, paths, files, tables, gaps);
    }

    /**
     * Adds the image's files not already met in an earlier image: each with its blocks in image order and its
     * size (the end of its last block's bytes). Two passes over the chunks, counting then filling exact-size
     * arrays indexed by path number, instead of per-path lists in a map keyed by path strings.
     */
    private static void addFiles(int imageIndex, ImageLocator.Found img, ReferenceChooser.BaseFile[] files) {
        int[] count = new int[files.length];
        long[] size = new long[files.length];
        for (Chunk c : img.map().chunks()) {
            for (ChunkUse u : c.uses()) {
                count[u.pathId()]++;
                size[u.pathId()] = Math.max(size[u.pathId()], u.fileOffset() + u.length());
            }
        }
        Source[][] blocks = new Source[files.length][];
        for (Chunk c : img.map().chunks()) {
            Source s = null;
            for (ChunkUse u : c.uses()) {
                int id = u.pathId();
                if (files[id] != null) {
                    continue;
                }
                if (blocks[id] == null) {
                    blocks[id] = new Source[count[id]];
                    count[id] = 0;
                }
                if (s == null) {
                    s = source(imageIndex, img, c); // one piece however many files share the block
                }
                blocks[id][count[id]++] = s;
            }
        }
        for (int id = 0; id < files.length; id++) {
            if (blocks[id] != null) {
                files[id] = new ReferenceChooser.BaseFile(id, size[id], List.of(blocks[id]));
            }
        }
    }

    /** Container bytes [from, to) as pieces of at most {@value #GAP_PIECE} bytes, so none is held whole. */
    private static void addGap(List<Source> gaps, long from, long to) {
        for (long p = from; p < to; p += GAP_PIECE) {
            gaps.add(new Source.BaseBytes(p, Math.min(GAP_PIECE, to - p)));
        }
    }

    /**
     * The reference-stream piece for a base chunk: a compressed block decoded, or a stored-raw block's
     * payload as it is.
     */
    static Source source(int imageIndex, ImageLocator.Found img, Chunk c) {
        long at = img.offset() + c.offset();
        boolean block = c.kind() == ChunkKind.DATA_BLOCK || c.kind() == ChunkKind.FRAGMENT_BLOCK;
        if (c.compressed() && (block || c.kind().metadata())) {
            return new Source.DecodedBlock(imageIndex, at, (int) c.length(), c.kind().metadata(),
                    (int) c.decodedSize());
        }
        int header = c.kind().metadata() ? SquashfsConstants.METADATA_HEADER_SIZE : 0;
        return new Source.BaseBytes(at + header, c.length() - header);
    }

    /**
     * Hashes the image's chunks on the pool and records them in image order, so that of two chunks with the
     * same bytes the first is the one found, whatever the threads' timing (a patch is the same on every run).
     */
    private static void hashChunks(FileChannel base, ImageLocator.Found img, Map<ChunkKey, Long> out, int threads,
            LongConsumer readTo) throws IOException {
        List<Chunk> list = img.map().chunks();
        int batch = 256;
        try (OrderedPipeline<Hashed> pipeline = new OrderedPipeline<>("hash-base", threads, threads * 2,
                h -> h.addTo(out))) {
            for (int from = 0; from < list.size(); from += batch) {
                List<Chunk> part = list.subList(from, Math.min(list.size(), from + batch));
                readTo.accept(img.offset() + part.get(part.size() - 1).end());
                pipeline.submit(() -> {
                    MessageDigest md = ChunkKey.digest();
                    ChunkKey[] keys = new ChunkKey[part.size()];
                    long[] at = new long[part.size()];
                    byte[] buf = new byte[0];
                    for (int k = 0; k < keys.length; k++) {
                        Chunk c = part.get(k);
                        if (c.length() > SpinPlanCodec.MAX_BLOCK + 2) {
                            continue; // padding and other large raw ranges are not blocks
                        }
                        int n = (int) c.length();
                        if (buf.length < n) {
                            buf = new byte[n];
                        }
                        ChannelInput.readFully(base, img.offset() + c.offset(), buf, 0, n, "BASE");
                        keys[k] = ChunkKey.of(buf, 0, n, md);
                        at[k] = img.offset() + c.offset();
                    }
                    return new Hashed(keys, at);
                });
            }
            pipeline.finish();
        }
    }

    /** A batch of chunks' keys and offsets in BASE; a null key is a range that is not a block. */
    private record Hashed(ChunkKey[] keys, long[] at) {
        void addTo(Map<ChunkKey, Long> out) {
            for (int k = 0; k < keys.length; k++) {
                if (keys[k] != null) {
                    out.putIfAbsent(keys[k], at[k]);
                }
            }
        }
    }

    /** Where BASE holds exactly these stored bytes, or -1. */
    long find(ChunkKey key) {
        Long at = chunks.get(key);
        return at == null ? -1 : at;
    }

    /** A chooser of reference files among BASE's. */
    ReferenceChooser chooser() {
        return new ReferenceChooser(paths, files);
    }

    /** The metadata blocks of one table, in order. */
    List<Source> table(ChunkKind kind) {
        return tables.getOrDefault(kind, List.of());
    }

    /** The container bytes outside the images. */
    List<Source> gaps() {
        return gaps;
    }

}
