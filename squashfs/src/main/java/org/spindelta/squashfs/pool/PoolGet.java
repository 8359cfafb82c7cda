package org.spindelta.squashfs.pool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.InputFile;
import org.spindelta.core.LittleEndian;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;
import org.spindelta.core.StagedOutput;
import org.spindelta.core.VerificationException;
import org.spindelta.squashfs.format.SquashfsConstants;
import org.spindelta.squashfs.spin.ImageInfo;
import org.spindelta.squashfs.spin.OrderedPipeline;
import org.spindelta.squashfs.spin.Recompressor;

/**
 * Rebuilds an image from a recipe: piece by piece, in order, each from the first place that has it, (1) a
 * source image holding the same stored bytes, (2) a source block that decodes to the chunk, (3) the pool's
 * packs; recompressed pieces are encoded on all threads and each checked against its stored SHA-256; the
 * result goes to a staged file renamed into place only when the whole image's SHA-256 is the recipe's.
 *
 * <p>Memory: the pipeline holds at most 4 pieces per thread (each at most 1 MiB) plus the segment cache
 * ({@link SegmentReader}): about 50 MiB on 2 threads, whatever the image's size.
 */
public final class PoolGet {
    /** What a get did: bytes of the image taken from sources, from the pool. */
    public record Summary(Recipe recipe, long fromSources, long fromPool) {
    }

    private PoolGet() {}

    /**
     * @param files the pool (a directory, or an HTTP pool behind a cache of fetched segments)
     * @param segments how segments are read (see {@link SegmentReader#direct})
     */
    public static Summary get(PoolFiles files, Recipe recipe, SegmentReader segments, List<Path> sourcePaths,
            Path outPath, int threads, Recompressor.Factory encoders, Progress progress) throws IOException {
        InputFile.refuseAsOutput(outPath, sourcePaths.toArray(Path[]::new));
        PoolIndex index = PoolIndex.load(files, recipe.packs());
        try (StagedOutput out = StagedOutput.create(outPath)) {
            long[] pos = {0};
            Summary summary = rebuild(recipe, index, segments, sourcePaths, threads, encoders, progress, b -> {
                ByteBuffer bb = ByteBuffer.wrap(b);
                while (bb.hasRemaining()) {
                    pos[0] += out.channel().write(bb, pos[0]);
                }
            });
            out.commit();
            return summary;
        }
    }

    /**
     * Rebuilds an image into {@code sink}, in order, and checks its SHA-256 against the recipe's.
     *
     * @throws VerificationException if it does not match (the sink has then seen bytes that are not the image)
     */
    public static Summary rebuild(Recipe recipe, PoolIndex index, SegmentReader segments, List<Path> sourcePaths,
            int threads, Recompressor.Factory encoders, Progress progress, OrderedPipeline.Sink<byte[]> sink)
            throws IOException {
        Set<ChunkId> wantStored = new HashSet<>();
        Set<ChunkId> wantDecoded = new HashSet<>();
        for (Piece p : recipe.pieces()) {
            wantStored.add(p instanceof Piece.Recompressed r ? r.storedId() : p.id());
        }
        for (Piece p : recipe.pieces()) {
            if (p instanceof Piece.Recompressed r && !wantStored.contains(r.id())) {
                wantDecoded.add(r.id());
            }
        }
        // Tail groups, and the content of blocks not cut into groups: a fragment block of one tail (a small
        // file alone in its block) is, in a source that packs the file with others, one of that block's groups.
        Set<ChunkId> wantParts = new HashSet<>();
        for (Piece p : recipe.pieces()) {
            if (!(p instanceof Piece.Recompressed r && r.metadata())) {
                p.chunks().forEach(part -> wantParts.add(part.id()));
            }
        }
        Set<ChunkId> wantReferences = new HashSet<>();
        if (!sourcePaths.isEmpty()) {
            for (Piece p : recipe.pieces()) {
                for (Piece.Part part : p.chunks()) {
                    PoolIndex.Location at = index.find(part.id());
                    if (at != null) {
                        at.entry().references().forEach(ref -> wantReferences.add(ref.id()));
                    }
                }
            }
        }
        long[] counts = new long[2];
        try (LocalSources sources = LocalSources.open(sourcePaths, wantStored, wantDecoded, wantParts,
                wantReferences, recipe.images());
                ThreadEncoders enc = new ThreadEncoders(recipe.images(), encoders)) {
            if (!sourcePaths.isEmpty()) {
                sources.inferParts(recipe.pieces());
            }
            segments.prefetch(fromPool(recipe, index, sources));
            MessageDigest sha = Sha256.newDigest();
            progress.start("pool get " + recipe.name(), recipe.length());
            try (OrderedPipeline<byte[]> pipeline = new OrderedPipeline<>("pool-get", threads, threads * 4, b -> {
                sink.accept(b);
                sha.update(b);
                progress.advance(b.length);
            })) {
                for (Piece p : recipe.pieces()) {
                    pipeline.submit(() -> piece(p, recipe, index, segments, sources, enc, counts));
                }
                pipeline.finish();
            }
            byte[] digest = sha.digest();
            if (!Sha256.equal(digest, recipe.sha256())) {
                throw new VerificationException("the rebuilt image's SHA-256 " + Sha256.hex(digest) + " is not the "
                        + "recipe's " + Sha256.hex(recipe.sha256()) + "; nothing was written");
            }
        }
        synchronized (counts) {
            return new Summary(recipe, counts[0], counts[1]);
        }
    }

    /** The segments holding chunks no source supplies, per pack. */
    private static java.util.Map<PackIndex, java.util.SortedSet<Integer>> fromPool(Recipe recipe, PoolIndex index,
            LocalSources sources) {
        java.util.Map<PackIndex, java.util.SortedSet<Integer>> out = new java.util.LinkedHashMap<>();
        for (Piece p : recipe.pieces()) {
            ChunkId want = p instanceof Piece.Recompressed r ? r.storedId() : p.id();
            if (sources.stored(want) != null || (p instanceof Piece.Recompressed && sources.decoded(p.id()) != null)) {
                continue;
            }
            for (Piece.Part part : p.chunks()) {
                if (sources.part(part.id()) != null) {
                    continue;
                }
                PoolIndex.Location at = index.find(part.id());
                if (at != null) {
                    out.computeIfAbsent(at.pack(), k -> new java.util.TreeSet<>()).add(at.entry().segment());
                    for (Piece.Part ref : at.entry().references()) {
                        PoolIndex.Location r = sources.has(ref.id()) ? null : index.find(ref.id());
                        if (r != null) {
                            out.computeIfAbsent(r.pack(), k -> new java.util.TreeSet<>()).add(r.entry().segment());
                        }
                    }
                }
            }
        }
        return out;
    }

    private static byte[] piece(Piece p, Recipe recipe, PoolIndex index, SegmentReader segments,
            LocalSources sources, ThreadEncoders enc, long[] counts) throws IOException {
        ChunkId want = p instanceof Piece.Recompressed r ? r.storedId() : p.id();
        LocalSources.Place copy = sources.stored(want);
        if (copy != null) {
            byte[] b = sources.read(copy);
            if (ChunkId.of(b, 0, b.length).equals(want)) {
                count(counts, 0, b.length);
                return b;
            }
        }
        byte[] content = null;
        long[] local = {0}; // content bytes a source supplied
        if (p instanceof Piece.Recompressed r) {
            LocalSources.Place d = sources.decoded(r.id());
            if (d != null) {
                content = sources.decode(d, r.id(), r.contentLength()); // null: the source changed
                local[0] = content == null ? 0 : content.length;
            }
        }
        if (content == null) {
            content = fromPool(p, recipe, index, segments, sources, local);
        }
        if (content.length != p.contentLength()) {
            throw new CorruptInputException("chunk " + p.id() + " is " + content.length + " bytes, the recipe says "
                    + p.contentLength());
        }
        byte[] b = p instanceof Piece.Recompressed r ? recompress(r, content, recipe, enc) : content;
        // a block made of parts from both places counts in proportion to their content
        long fromSources = Math.round((double) b.length * local[0] / content.length);
        count(counts, 0, fromSources);
        count(counts, 1, b.length - fromSources);
        return b;
    }

    /**
     * A piece's content from the pool: its chunk, or its parts end to end, checked against its id; parts a
     * source holds are read there, and their bytes added to {@code fromSources[0]}.
     */
    private static byte[] fromPool(Piece p, Recipe recipe, PoolIndex index, SegmentReader segments,
            LocalSources sources, long[] fromSources) throws IOException {
        List<Piece.Part> parts = p.chunks();
        byte[] out = parts.size() == 1 ? null : new byte[p.contentLength()];
        int at = 0;
        for (Piece.Part part : parts) {
            LocalSources.PartPlace place = sources.part(part.id());
            byte[] fromSource = place == null ? null : sources.readPart(place, part.id());
            if (fromSource != null) {
                fromSources[0] += fromSource.length;
            }
            if (fromSource != null && out == null) {
                return fromSource; // the block of one tail is a tail group of a source
            }
            if (fromSource != null) {
                System.arraycopy(fromSource, 0, out, at, fromSource.length);
                at += fromSource.length;
                continue;
            }
            PoolIndex.Location where = index.find(part.id());
            if (where == null) {
                throw new CorruptInputException("chunk " + part.id() + " of image \"" + recipe.name()
                        + "\" is in none of the packs its recipe names");
            }
            byte[] c = segments.chunk(index, where, sources::content);
            if (out == null) {
                return c;
            }
            if (c.length != part.length() || at + c.length > out.length) {
                throw new CorruptInputException("chunk " + part.id() + " is " + c.length + " bytes, the recipe says "
                        + part.length());
            }
            System.arraycopy(c, 0, out, at, c.length);
            at += c.length;
        }
        if (!ChunkId.of(out, 0, out.length).equals(p.id())) {
            throw new CorruptInputException("the parts of block " + p.id() + " of image \"" + recipe.name()
                    + "\" do not hash to its id");
        }
        return out;
    }

    private static byte[] recompress(Piece.Recompressed r, byte[] content, Recipe recipe, ThreadEncoders enc)
            throws IOException {
        int skip = r.metadata() ? SquashfsConstants.METADATA_HEADER_SIZE : 0;
        int max = r.metadata() ? SquashfsConstants.METADATA_MAX : recipe.images().get(r.image()).blockSize();
        byte[] encoded = new byte[Math.max(max, r.storedLength())];
        int n = enc.get(r.image()).encode(content, 0, content.length, encoded, r.metadata());
        if (n != r.storedLength()) {
            throw new VerificationException("this machine's encoder turns chunk " + r.id() + " into " + n + " bytes, "
                    + "the image stores " + r.storedLength() + " (encoder " + recipe.images().get(r.image()).encoder()
                    + " needed)");
        }
        byte[] b = new byte[n + skip];
        if (r.metadata()) {
            LittleEndian.putShort(b, 0, n);
        }
        System.arraycopy(encoded, 0, b, skip, n);
        if (!ChunkId.of(b, 0, b.length).equals(r.storedId())) {
            throw new VerificationException("this machine's encoder does not reproduce block " + r.storedId()
                    + " of the image (encoder " + recipe.images().get(r.image()).encoder() + " needed)");
        }
        return b;
    }

    private static void count(long[] counts, int which, long n) {
        synchronized (counts) {
            counts[which] += n;
        }
    }

    /** One recompressor per recipe image per thread. */
    private static final class ThreadEncoders implements AutoCloseable {
        private final List<ImageInfo> images;
        private final Recompressor.Factory factory;
        private final List<Recompressor> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final ThreadLocal<Recompressor[]> mine;

        ThreadEncoders(List<ImageInfo> images, Recompressor.Factory factory) {
            this.images = images;
            this.factory = factory;
            this.mine = ThreadLocal.withInitial(() -> new Recompressor[images.size()]);
        }

        Recompressor get(int image) throws IOException {
            Recompressor[] m = mine.get();
            if (m[image] == null) {
                m[image] = factory.open(images.get(image));
                opened.add(m[image]);
            }
            return m[image];
        }

        @Override
        public void close() {
            opened.forEach(Recompressor::close);
        }
    }
}
