package org.spindelta.squashfs.spin;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spindelta.core.ChannelInput;
import org.spindelta.squashfs.chunk.Chunk;
import org.spindelta.squashfs.chunk.ChunkKind;
import org.spindelta.squashfs.chunk.ChunkUse;
import org.spindelta.squashfs.format.SquashfsConstants;

/**
 * What the generator knows of BASE: every chunk of its images by content (so identical target chunks
 * are copied), its files by path (so changed target files are diffed against their base version), its
 * metadata blocks by table, and the container bytes outside its images.
 */
final class BaseCatalog {
    static final int GAP_PIECE = 1 << 20;
    private final Map<ChunkKey, Long> chunks;
    private final Map<String, ReferenceChooser.BaseFile> files;
    private final Map<ChunkKind, List<Source>> tables;
    private final List<Source> gaps;

    private BaseCatalog(Map<ChunkKey, Long> chunks, Map<String, ReferenceChooser.BaseFile> files,
            Map<ChunkKind, List<Source>> tables, List<Source> gaps) {
        this.chunks = chunks;
        this.files = files;
        this.tables = tables;
        this.gaps = gaps;
    }

    static BaseCatalog build(FileChannel base, List<ImageLocator.Found> images, int threads) throws IOException {
        Map<ChunkKey, Long> chunks = new HashMap<>(); // filled in order on this thread; read-only after
        Map<String, ReferenceChooser.BaseFile> files = new HashMap<>();
        Map<ChunkKind, List<Source>> tables = new EnumMap<>(ChunkKind.class);
        List<Source> gaps = new ArrayList<>();
        long pos = 0;
        for (int i = 0; i < images.size(); i++) {
            ImageLocator.Found img = images.get(i);
            addGap(gaps, pos, img.offset());
            pos = img.offset() + img.length();
            Map<String, List<Source>> blocksByPath = new LinkedHashMap<>();
            Map<String, Long> sizeByPath = new HashMap<>();
            for (Chunk c : img.map().chunks()) {
                Source s = source(i, img, c);
                if (c.kind().metadata()) {
                    tables.computeIfAbsent(c.kind(), k -> new ArrayList<>()).add(s);
                }
                for (ChunkUse u : c.uses()) {
                    blocksByPath.computeIfAbsent(u.path(), k -> new ArrayList<>()).add(s);
                    sizeByPath.merge(u.path(), u.fileOffset() + u.length(), Math::max);
                }
            }
            for (Map.Entry<String, List<Source>> e : blocksByPath.entrySet()) {
                // an exact-size copy: most files have one or two blocks, and a grown ArrayList's spare slots
                // (10 at its first add) were ~60 bytes a file, kept through planning
                files.putIfAbsent(e.getKey(), new ReferenceChooser.BaseFile(e.getKey(), sizeByPath.get(e.getKey()),
                        List.copyOf(e.getValue())));
            }
            hashChunks(base, img, chunks, threads);
        }
        addGap(gaps, pos, base.size());
        return new BaseCatalog(chunks, files, tables, gaps);
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
    private static void hashChunks(FileChannel base, ImageLocator.Found img, Map<ChunkKey, Long> out, int threads)
            throws IOException {
        List<Chunk> list = img.map().chunks();
        int batch = 256;
        try (OrderedPipeline<Hashed> pipeline = new OrderedPipeline<>("hash-base", threads, threads * 2,
                h -> h.addTo(out))) {
            for (int from = 0; from < list.size(); from += batch) {
                List<Chunk> part = list.subList(from, Math.min(list.size(), from + batch));
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

    Map<String, ReferenceChooser.BaseFile> files() {
        return files;
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
