package org.spindelta.squashfs.pool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.InputFile;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.chunk.Chunk;
import org.spindelta.squashfs.chunk.ChunkKind;
import org.spindelta.squashfs.format.SquashfsConstants;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.spin.BlockBytes;
import org.spindelta.squashfs.spin.ImageInfo;
import org.spindelta.squashfs.spin.ImageLocator;
import org.spindelta.squashfs.spin.OrderedPipeline;
import org.spindelta.squashfs.spin.Recompressor;
import org.spindelta.squashfs.spin.SpinDiff;
import org.spindelta.squashfs.spin.ThreadCodecs;

/**
 * Adds an image to a pool. Under the pool's lock: the image is walked chunk by chunk (the SquashFS images
 * it carries through their chunk maps, the bytes around them in pieces of at most
 * {@link PoolFormat#MAX_CHUNK}); each piece becomes
 * <ul>
 * <li>a recompressed piece with no work at all when a recipe already in the pool has a block with the same
 * stored bytes and encoder (the pool knows its decoded chunk),
 * <li>a literal piece when its stored bytes are already a chunk,
 * <li>a recompressed piece when it is a compressed block whose decoded bytes this machine's encoder turns
 * back into exactly its stored bytes (stored by the decoded bytes' SHA-256, so the same content is one
 * chunk whatever compressor or block layout an image used),
 * <li>else a literal piece.
 * </ul>
 * Chunks the pool lacks go, in image order, into one new pack: whole, or as a block delta against the one
 * or two stored chunks most like them ({@link ReferenceIndex}) when that delta is small. The recipe is
 * written last, and its rename is the commit: an add that fails or dies before it leaves the pool's images
 * as they were.
 */
public final class PoolAdd {
    /**
     * What an add did: {@code deltaChunks} of the {@code newChunks} were stored as deltas against chunks the
     * pool held.
     */
    public record Summary(Recipe recipe, String pack, int newChunks, long newContent, long packLength,
            long reusedWithoutDecoding, long deltaChunks) {
    }

    /**
     * @param threads threads for hashing, decoding, verifying and compressing
     * @param sketchCache where the features of the pool's packs are kept between adds ({@link SketchCache};
     *     this machine's cache directory by default), or null to index the pool from its segments every time
     */
    public record Options(int threads, Path sketchCache) {
        public Options(int threads) {
            this(threads, SketchCache.localDirectory());
        }

        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors());
        }
    }

    /** Called once the pack is written and before the recipe is (tests: a crash at the worst moment). */
    @FunctionalInterface
    public interface BeforeCommit {
        void run() throws IOException;
    }

    /** Decoded segments kept while reading the chunks new ones are diffed against (~100 MiB at most). */
    static final int REFERENCE_SEGMENTS = 20;
    /** Chunks shorter than this are stored whole: a delta's records would cost what they save. */
    static final int MIN_DELTA_CONTENT = 512;
    /** Stored chunks a delta is made against, at most (their contents end to end). */
    static final int DELTA_REFERENCES = 2;
    /**
     * A delta is kept when the bytes it cannot take from its references (plus 8 per record) are below this
     * share of the content, in 1/16ths: otherwise the whole chunk, compressed, costs about as little.
     */
    static final int DELTA_MAX_LITERAL_SIXTEENTHS = 8;

    private PoolAdd() {}

    public static Summary add(Pool pool, Path imagePath, String name, Options options, Recompressor.Factory encoders,
            Progress progress) throws IOException {
        return add(pool, imagePath, name, options, encoders, progress, () -> {});
    }

    public static Summary add(Pool pool, Path imagePath, String name, Options options, Recompressor.Factory encoders,
            Progress progress, BeforeCommit beforeCommit) throws IOException {
        PoolFormat.checkName(name);
        try (FileChannel image = InputFile.open(imagePath, "IMAGE");
                AutoCloseable lock = pool.lock()) {
            if (pool.has(name)) {
                throw new SpindeltaException("pool " + pool.root() + " already has an image \"" + name
                        + "\" (pool rm it first)");
            }
            CompletableFuture<byte[]> sha = CompletableFuture.supplyAsync(() -> {
                try {
                    return Sha256.of(image, 0, image.size(), Progress.NONE);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            List<Recipe> recipes = pool.recipes();
            PoolIndex index = PoolIndex.load(pool.files(), Pool.packsOf(recipes));
            Map<ChunkId, Known> known = known(recipes);
            List<ImageLocator.Found> found = ImageLocator.find(image);
            List<ImageInfo> infos = new ArrayList<>();
            for (ImageLocator.Found f : found) {
                SquashfsImage img = f.image();
                ImageInfo i = new ImageInfo(f.offset(), f.length(), img.superBlock().compressor(),
                        img.superBlock().blockSize(), SpinDiff.storedOptions(img), "");
                infos.add(new ImageInfo(i.offset(), i.length(), i.compressor(), i.blockSize(), i.options(),
                        encoders.identity(i)));
            }
            SegmentReader stored = new SegmentReader(SegmentReader.direct(pool.files()), REFERENCE_SEGMENTS);
            ReferenceIndex references = index.size() == 0 ? null
                    : ReferenceIndex.build(index, stored, options.threads(),
                            options.sketchCache() == null ? null : new SketchCache(options.sketchCache()));
            progress.start("pool add " + name, image.size());
            Walk walk = new Walk(pool, image, found, infos, index, known, encoders, options.threads(), progress,
                    references, stored);
            try {
                walk.run();
                PackIndex pack = walk.pack.finish();
                Set<String> packs = new LinkedHashSet<>(walk.packsUsed);
                if (pack != null) {
                    packs.add(pack.pack());
                }
                byte[] digest = sha.join();
                Recipe recipe = new Recipe(name, image.size(), digest, infos, new ArrayList<>(packs), walk.pieces);
                beforeCommit.run();
                pool.commit(recipe);
                return new Summary(recipe, pack == null ? null : pack.pack(), walk.pack.count(), walk.newContent,
                        pack == null ? 0 : pack.packLength(), walk.reused, walk.deltaChunks);
            } finally {
                walk.pack.close();
            }
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.io.UncheckedIOException u) {
                throw u.getCause();
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e); // only the lock's close declares Exception
        }
    }

    /** A block some recipe already recompresses: its chunk and the encoder that reproduces it. */
    private record Known(ChunkId decoded, int decodedLength, boolean metadata, String encoder, List<Piece.Part> parts) {
    }

    private static Map<ChunkId, Known> known(List<Recipe> recipes) {
        Map<ChunkId, Known> out = new HashMap<>();
        for (Recipe r : recipes) {
            for (Piece p : r.pieces()) {
                if (p instanceof Piece.Recompressed c) {
                    out.putIfAbsent(c.storedId(), new Known(c.id(), c.contentLength(), c.metadata(),
                            r.images().get(c.image()).encoder(), c.parts()));
                }
            }
        }
        return out;
    }

    /** The walk over one image, deciding each piece on the pool threads and recording them in order. */
    private static final class Walk {
        private final FileChannel image;
        private final List<ImageLocator.Found> found;
        private final List<ImageInfo> infos;
        private final PoolIndex index;
        private final Map<ChunkId, Known> known;
        private final Recompressor.Factory encoders;
        private final int threads;
        private final Progress progress;
        final PackWriter pack;
        final List<Piece> pieces = new ArrayList<>();
        final Set<String> packsUsed = new LinkedHashSet<>();
        private final Set<ChunkId> added = new HashSet<>();
        private final ReferenceIndex references;
        private final SegmentReader stored;
        long newContent;
        long reused;
        long deltaChunks;

        Walk(Pool pool, FileChannel image, List<ImageLocator.Found> found, List<ImageInfo> infos, PoolIndex index,
                Map<ChunkId, Known> known, Recompressor.Factory encoders, int threads, Progress progress,
                ReferenceIndex references, SegmentReader stored) throws IOException {
            this.references = references;
            this.stored = stored;
            this.image = image;
            this.found = found;
            this.infos = infos;
            this.index = index;
            this.known = known;
            this.encoders = encoders;
            this.threads = threads;
            this.progress = progress;
            this.pack = new PackWriter(pool.packsDir(), threads);
        }

        /**
         * A decided piece, with the content to store if the pool may lack it, and for each of its chunks the
         * pool lacks a delta against similar stored chunks where one is small (else null).
         */
        private record Decision(Piece piece, byte[] content, int contentLength, Delta[] deltas) {
            Decision(Piece piece, byte[] content, int contentLength) {
                this(piece, content, contentLength, null);
            }
        }

        /** A chunk as a block delta against {@code references}. */
        private record Delta(byte[] bytes, List<Piece.Part> references) {
        }

        /** Deltas for the chunks of a decided piece the pool lacks. */
        private Decision withDeltas(Decision d) throws IOException {
            if (references == null || d.content() == null) {
                return d;
            }
            List<Piece.Part> parts = d.piece().chunks();
            Delta[] deltas = new Delta[parts.size()];
            int at = 0;
            boolean any = false;
            for (int i = 0; i < parts.size(); i++) {
                Piece.Part part = parts.get(i);
                if (!index.contains(part.id())) {
                    deltas[i] = delta(d.content(), at, part.length());
                    any |= deltas[i] != null;
                }
                at += part.length();
            }
            return any ? new Decision(d.piece(), d.content(), d.contentLength(), deltas) : d;
        }

        private Delta delta(byte[] content, int off, int len) throws IOException {
            if (len < MIN_DELTA_CONTENT) {
                return null;
            }
            List<PoolIndex.Location> similar = references.similar(ChunkSketch.features(content, off, len),
                    DELTA_REFERENCES);
            if (similar.isEmpty()) {
                return null;
            }
            int oldLength = similar.stream().mapToInt(l -> l.entry().contentLength()).sum();
            byte[] old = new byte[oldLength];
            List<Piece.Part> refs = new ArrayList<>();
            int o = 0;
            for (PoolIndex.Location l : similar) {
                byte[] c = stored.chunk(index, l, SegmentReader.Local.NONE);
                System.arraycopy(c, 0, old, o, c.length);
                o += c.length;
                refs.add(new Piece.Part(l.entry().id(), c.length));
            }
            org.spindelta.bsdiff.generate.BlockDiff.Result r =
                    org.spindelta.bsdiff.generate.BlockDiff.diff(old, oldLength, content, off, len);
            if (r.literalBytes() + 8L * r.records() >= (long) len * DELTA_MAX_LITERAL_SIXTEENTHS / 16) {
                return null;
            }
            return new Delta(r.delta(), refs);
        }

        void run() throws IOException {
            List<SquashfsImage> imgs = found.stream().map(ImageLocator.Found::image).toList();
            try (ThreadCodecs codecs = new ThreadCodecs(imgs, infos, encoders);
                    OrderedPipeline<Decision> pipeline = new OrderedPipeline<>("pool-add", threads, threads * 4,
                            this::accept)) {
                long pos = 0;
                for (int i = 0; i < found.size(); i++) {
                    ImageLocator.Found f = found.get(i);
                    gap(pipeline, pos, f.offset());
                    for (Chunk c : f.map().chunks()) {
                        int image = i;
                        if (c.length() > PoolFormat.MAX_CHUNK) {
                            gap(pipeline, f.offset() + c.offset(), f.offset() + c.end());
                        } else {
                            pipeline.submit(() -> withDeltas(decide(codecs, image, f.offset(), c)));
                        }
                    }
                    pos = f.offset() + f.length();
                }
                gap(pipeline, pos, image.size());
                pipeline.finish();
            }
        }

        private void gap(OrderedPipeline<Decision> pipeline, long from, long to) throws IOException {
            for (long p = from; p < to; p += PoolFormat.MAX_CHUNK) {
                long at = p;
                int n = (int) Math.min(PoolFormat.MAX_CHUNK, to - p);
                pipeline.submit(() -> withDeltas(literal(read(at, n), n)));
            }
        }

        private byte[] read(long at, int n) throws IOException {
            byte[] b = new byte[n];
            ChannelInput.readFully(image, at, b, 0, n, "IMAGE");
            return b;
        }

        private Decision literal(byte[] stored, int n) {
            return new Decision(new Piece.Literal(ChunkId.of(stored, 0, n), n), stored, n);
        }

        private Decision decide(ThreadCodecs codecs, int img, long base, Chunk c) throws IOException {
            int n = (int) c.length();
            byte[] stored = read(base + c.offset(), n);
            ChunkId storedId = ChunkId.of(stored, 0, n);
            boolean block = c.kind() == ChunkKind.DATA_BLOCK || c.kind() == ChunkKind.FRAGMENT_BLOCK;
            boolean metadata = c.kind().metadata();
            String encoder = infos.get(img).encoder();
            int skip = metadata ? SquashfsConstants.METADATA_HEADER_SIZE : 0;
            if (!c.compressed() && c.kind() == ChunkKind.FRAGMENT_BLOCK) {
                // stored as it is: its bytes are its tails, cut into groups like a compressed block's
                return new Decision(new Piece.Literal(storedId, n, FragmentParts.split(stored, n, c.uses())), stored, n);
            }
            if (!c.compressed() || !(block || metadata) || encoder.isEmpty()) {
                return new Decision(new Piece.Literal(storedId, n), stored, n);
            }
            Known k = known.get(storedId);
            if (k != null && k.encoder().equals(encoder) && k.metadata() == metadata) {
                return new Decision(new Piece.Recompressed(k.decoded(), k.decodedLength(), img, metadata, n - skip,
                        storedId, k.parts()), null, 0);
            }
            if (index.contains(storedId)) {
                return new Decision(new Piece.Literal(storedId, n), null, 0);
            }
            int max = metadata ? SquashfsConstants.METADATA_MAX : infos.get(img).blockSize();
            byte[] decoded = new byte[max];
            int d = BlockBytes.decode(stored, n, metadata, codecs.decoder(img), decoded, max, "IMAGE " + c.describe());
            byte[] again = new byte[max];
            int e = codecs.encoder(img).encode(decoded, 0, d, again, metadata);
            if (e == n - skip && Arrays.equals(again, 0, e, stored, skip, n)) {
                List<Piece.Part> parts = c.kind() == ChunkKind.FRAGMENT_BLOCK
                        ? FragmentParts.split(decoded, d, c.uses()) : List.of();
                return new Decision(new Piece.Recompressed(ChunkId.of(decoded, 0, d), d, img, metadata, n - skip,
                        storedId, parts), decoded, d);
            }
            return new Decision(new Piece.Literal(storedId, n), stored, n);
        }

        /** A recipe names the packs of the chunks its delta chunks are made from, so readers load them. */
        private void usePacksOf(List<Piece.Part> refs) {
            for (Piece.Part ref : refs) {
                PoolIndex.Location r = index.find(ref.id());
                if (r != null) {
                    packsUsed.add(r.pack().pack());
                }
            }
        }

        private void accept(Decision d) throws IOException {
            Piece p = d.piece();
            pieces.add(p);
            progress.advance(p.imageLength());
            if (d.content() == null && p instanceof Piece.Recompressed) {
                reused += p.imageLength();
            }
            int at = 0;
            List<Piece.Part> parts = p.chunks();
            for (int i = 0; i < parts.size(); i++) {
                Piece.Part part = parts.get(i);
                PoolIndex.Location where = index.find(part.id());
                if (where != null) {
                    packsUsed.add(where.pack().pack());
                    usePacksOf(where.entry().references());
                } else if (added.add(part.id())) {
                    if (d.content() == null) {
                        throw new org.spindelta.core.CorruptInputException("the pool is inconsistent: chunk "
                                + part.id() + ", which a recipe uses, is in none of the packs the recipes name");
                    }
                    Delta delta = d.deltas() == null ? null : d.deltas()[i];
                    if (delta == null) {
                        pack.add(part.id(), d.content(), at, part.length());
                    } else {
                        pack.add(part.id(), delta.bytes(), 0, delta.bytes().length, part.length(), delta.references());
                        usePacksOf(delta.references());
                        deltaChunks++;
                    }
                    newContent += part.length();
                }
                at += part.length();
            }
        }
    }
}
