package org.spindelta.squashfs.spin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;
import org.spindelta.bsdiff.format.PatchFormat;
import org.spindelta.bsdiff.generate.BsDiff;
import org.spindelta.bsdiff.generate.DiffOptions;
import org.spindelta.bsdiff.generate.DiffSummary;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.InputFile;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;
import org.spindelta.core.StagedOutput;
import org.spindelta.core.TrailingSha256;
import org.spindelta.squashfs.chunk.Chunk;
import org.spindelta.squashfs.chunk.ChunkKind;
import org.spindelta.squashfs.chunk.ChunkUse;
import org.spindelta.squashfs.chunk.PathTable;
import org.spindelta.squashfs.encode.NativeXzOutputStream;
import org.spindelta.squashfs.format.SquashfsConstants;
import org.spindelta.squashfs.read.SquashfsImage;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Makes a spin patch (docs/formats/spin.md): BASE and the target are decomposed into chunks; a target
 * chunk whose stored bytes exist in BASE is copied from there; a changed compressed block is shipped
 * decoded when this machine's encoder reproduces its stored bytes exactly (checked here, block by block)
 * and as its stored bytes otherwise; everything else (container bytes, raw blocks, indexes) is shipped
 * as it is. What is shipped forms the content stream NEW, which is diffed (windowed bsdiff, xz) against a
 * reference stream OLD made of the base content it most resembles: the same files decoded (see
 * {@link ReferenceChooser}), the same metadata tables, the container's other bytes.
 */
public final class SpinDiff {
    /** Recompressed blocks carried whole per image and kind, for the applier's encoder self-test. */
    static final int SAMPLES_PER_KIND = 2;
    /**
     * Shortest match the content diff takes: most of NEW is new content compressed by xz, and bsdiff's
     * 9-byte matches in it each cost a control record and a break in the literal run (measured on a
     * localized pair: 600k such records).
     */
    static final int MIN_MATCH = 32;
    /**
     * Paths listed one by one in the plan for {@code explain}; the rest are summed. A localized pair has
     * ~6,800 paths that ship bytes (the small files of every changed fragment block): all of them cost
     * 63 KB of patch (0.5%), the largest 1,000 about a seventh of that.
     */
    static final int MAX_CONTRIBUTORS = 1000;
    /** xz preset of the content section: its 8 MiB dictionary needs ~94 MB to encode, ~9 MB to decode. */
    static final int CONTENT_XZ_PRESET = 6;
    /** Uncompressed bytes per independent xz block when the content is compressed on several threads. */
    static final long CONTENT_XZ_BLOCK = 24L << 20;

    /**
     * The content diff's default budget: less than bsdiff's, since the content compressor's native memory
     * comes on top (see {@link #contentCompressor}); the CLI's default says the same.
     */
    public static final long DEFAULT_MEMORY = 192L << 20;

    /**
     * @param memory what the content diff may hold (see {@link DiffOptions#memory()})
     * @param threads pool size for hashing, decoding, encoding and diffing
     */
    public record Options(long memory, int threads) {
        public static Options defaults() {
            return new Options(DEFAULT_MEMORY, Runtime.getRuntime().availableProcessors());
        }
    }

    /** What a diff made: the plan, the patch size and the content diff's own summary. */
    public record Summary(SpinPlan plan, long patchLength, DiffSummary content) {
    }

    private SpinDiff() {}

    public static Summary diff(Path basePath, Path targetPath, Path patchPath, Options options,
            Recompressor.Factory encoders, Progress progress) throws IOException {
        InputFile.refuseAsOutput(patchPath, basePath, targetPath);
        Path dir = patchPath.toAbsolutePath().getParent();
        Path oldFile = Files.createTempFile(dir, ".spindelta-", ".old");
        Path newFile = Files.createTempFile(dir, ".spindelta-", ".new");
        Path contentFile = Files.createTempFile(dir, ".spindelta-", ".content");
        try (FileChannel base = InputFile.open(basePath, "BASE");
                FileChannel target = InputFile.open(targetPath, "SPIN");
                StagedOutput out = StagedOutput.create(patchPath);
                // each input hashed a little ahead of planning's own pass over it (BASE while it is catalogued,
                // SPIN while it is planned), so that a pair larger than the page cache is read from the disk
                // once, not once for planning and once for a hash running on its own
                TrailingSha256 baseSha = new TrailingSha256(base, base.size(), TrailingSha256.INPUT_LEAD, "BASE");
                TrailingSha256 targetSha = new TrailingSha256(target, target.size(), TrailingSha256.INPUT_LEAD,
                        "SPIN")) {
            Planned planned = plan(base, target, newFile, encoders, options.threads(), baseSha, targetSha);
            writeOld(base, planned.baseImages(), planned.sources(), oldFile, options.threads());

            // windows stored, the whole content then xz-compressed solidly: independent windows would each
            // restart the model (measured on a localized pair: 13.15 MB windowed, 11.76 MB solid)
            DiffOptions d = new DiffOptions(PatchFormat.SPDW_STORED, options.memory(), options.threads(), 0,
                    MIN_MATCH);
            DiffSummary content = BsDiff.diff(oldFile, newFile, contentFile, d, progress);

            SpinPlan plan = new SpinPlan(base.size(), baseSha.await(), target.size(), targetSha.await(),
                    planned.baseInfos(), planned.targetInfos(), planned.samples(), planned.sources(), planned.ops(),
                    planned.contributors());
            writePatch(out.channel(), plan, contentFile, options.threads());
            out.commit();
            return new Summary(plan, Files.size(patchPath), content);
        } finally {
            Files.deleteIfExists(oldFile);
            Files.deleteIfExists(newFile);
            Files.deleteIfExists(contentFile);
        }
    }

    /** What planning leaves for the steps after it: no chunk map, catalog or index of either image. */
    private record Planned(List<SquashfsImage> baseImages, List<ImageInfo> baseInfos, List<ImageInfo> targetInfos,
            List<Sample> samples, List<Source> sources, List<Op> ops, List<Contributor> contributors) {
    }

    /**
     * Maps BASE and catalogs it, then maps the target and decides every chunk, writing NEW. What grows with
     * the images (their chunk maps with every file's path, the catalog, the reference indexes, the per-path
     * attribution) lives only in here: BASE's chunk maps are dropped once catalogued, before the target is
     * mapped, and nothing of either survives the return, so the content diff that follows has its whole
     * budget (on a 4.4 GB pair of 257,000 inodes each, these structures held ~180 MB of a 304 MB heap and the
     * content diff ran out of memory while they stayed reachable).
     */
    private static Planned plan(FileChannel base, FileChannel target, Path newFile, Recompressor.Factory encoders,
            int threads, TrailingSha256 baseSha, TrailingSha256 targetSha) throws IOException {
        PathTable paths = new PathTable(); // both images' paths: a target file finds its base version by number
        List<ImageLocator.Found> baseFound = ImageLocator.find(base, paths);
        List<SquashfsImage> baseImages = baseFound.stream().map(ImageLocator.Found::image).toList();
        List<ImageInfo> baseInfos = infos(baseFound, null);
        BaseCatalog catalog = BaseCatalog.build(base, baseFound, paths, threads, baseSha::reached);
        baseSha.reached(Long.MAX_VALUE); // the rest (container bytes, padding) at once
        baseFound = null; // the base chunk maps: the catalog keeps what planning needs of them
        List<ImageLocator.Found> targetImages = ImageLocator.find(target, paths);
        List<ImageInfo> targetInfos = infos(targetImages, encoders);
        Planner planner = new Planner(target, targetImages, targetInfos, catalog, paths, encoders, threads,
                targetSha::reached);
        try (FileChannel nw = FileChannel.open(newFile, StandardOpenOption.WRITE)) {
            planner.run(nw);
        }
        targetSha.reached(Long.MAX_VALUE);
        return new Planned(baseImages, baseInfos, targetInfos, planner.samples(), planner.sources(), planner.ops(),
                planner.contributors());
    }

    private static List<ImageInfo> infos(List<ImageLocator.Found> images, Recompressor.Factory encoders)
            throws IOException {
        List<ImageInfo> out = new ArrayList<>();
        for (ImageLocator.Found f : images) {
            SquashfsImage img = f.image();
            byte[] options = storedOptions(img);
            ImageInfo info = new ImageInfo(f.offset(), f.length(), img.superBlock().compressor(),
                    img.superBlock().blockSize(), options, "");
            if (encoders != null) {
                info = new ImageInfo(info.offset(), info.length(), info.compressor(), info.blockSize(), options,
                        encoders.identity(info));
            }
            out.add(info);
        }
        return out;
    }

    /** The options block's payload as stored (after the superblock and its 2-byte header), or none. */
    public static byte[] storedOptions(SquashfsImage img) throws IOException {
        if (img.storedCompressorOptions().isEmpty()) {
            return new byte[0];
        }
        int at = SquashfsConstants.SUPERBLOCK_SIZE + SquashfsConstants.METADATA_HEADER_SIZE;
        byte[] b = new byte[(int) (img.dataStart() - at)];
        img.source().read(at, b, 0, b.length, "compressor options");
        return b;
    }

    /**
     * The paths and structures that ship bytes, most first, at most {@code limit} of them; the rest that ship
     * bytes are summed into one entry, and those only copied into another, so the entries still account for
     * every target byte.
     *
     * @param byPath per path: copied, diffed, recompressed, literal bytes
     */
    static List<Contributor> ranked(Map<String, long[]> byPath, int limit) {
        return ranked(byPath, limit, 0, 0);
    }

    /**
     * {@link #ranked(Map, int)}, with {@code copiedElsewhere} bytes of {@code copiedElsewherePaths} further
     * paths that were only copied and so are not in {@code byPath}.
     */
    static List<Contributor> ranked(Map<String, long[]> byPath, int limit, long copiedElsewhere,
            int copiedElsewherePaths) {
        List<Contributor> out = new ArrayList<>();
        long[] copiedOnly = {copiedElsewhere, 0, 0, 0};
        int copiedOnlyPaths = copiedElsewherePaths;
        for (Map.Entry<String, long[]> e : byPath.entrySet()) {
            long[] a = e.getValue();
            if (a[1] + a[2] + a[3] == 0) {
                copiedOnly[0] += a[0];
                copiedOnlyPaths++;
            } else {
                out.add(new Contributor(e.getKey(), a[0], a[1], a[2], a[3]));
            }
        }
        out.sort(java.util.Comparator.comparingLong(Contributor::shipped).reversed().thenComparing(Contributor::path));
        if (out.size() > limit) {
            long[] rest = new long[4];
            List<Contributor> tail = out.subList(limit, out.size());
            for (Contributor c : tail) {
                rest[0] += c.copied();
                rest[1] += c.diffed();
                rest[2] += c.recompressed();
                rest[3] += c.literal();
            }
            String label = "(" + tail.size() + " more paths and structures that ship bytes, summed)";
            tail.clear();
            out.add(new Contributor(label, rest[0], rest[1], rest[2], rest[3]));
        }
        if (copiedOnlyPaths > 0) {
            out.add(new Contributor("(" + copiedOnlyPaths + " other paths and structures, copied whole)",
                    copiedOnly[0], 0, 0, 0));
        }
        return out;
    }

    /** Walks the target in order, deciding each chunk's op, writing NEW and collecting references. */
    private static final class Planner {
        private final FileChannel target;
        private final List<ImageLocator.Found> images;
        private final List<ImageInfo> infos;
        private final BaseCatalog catalog;
        private final Recompressor.Factory encoders;
        private final int threads;
        private final ReferenceChooser chooser;
        private final List<Op> ops = new ArrayList<>();
        private final Map<Source, Boolean> sources = new LinkedHashMap<>();
        private final Map<String, Integer> samplesTaken = new HashMap<>();
        private final List<Sample> samples = new ArrayList<>();
        private final PathTable paths;
        /**
         * Per path number: copied, diffed, recompressed, literal bytes (see {@link Contributor}); files enter
         * only when one of their chunks ships bytes, so the map stays small on a large image.
         */
        private final Map<Integer, long[]> byPath = new HashMap<>();
        /** The same per structure ("(inode table)", "(container and padding)"...). */
        private final Map<String, long[]> byStructure = new HashMap<>();
        /** Per target image, the chunks of files that were copied: attributed by {@link #contributors()}. */
        private final BitSet[] copiedFileChunks;
        private boolean gapsReferenced;
        private OutputStream nw;
        /** Told how far planning has read the target, in order (for the target's trailing hash). */
        private final LongConsumer readTo;

        Planner(FileChannel target, List<ImageLocator.Found> images, List<ImageInfo> infos, BaseCatalog catalog,
                PathTable paths, Recompressor.Factory encoders, int threads, LongConsumer readTo) {
            this.target = target;
            this.readTo = readTo;
            this.images = images;
            this.infos = infos;
            this.catalog = catalog;
            this.paths = paths;
            this.encoders = encoders;
            this.threads = threads;
            this.chooser = catalog.chooser();
            this.copiedFileChunks = new BitSet[images.size()];
            Arrays.setAll(copiedFileChunks, i -> new BitSet());
        }

        /** The decision for one target chunk, made on a pool thread. */
        private record Decision(Chunk chunk, int image, int index, Op op, byte[] shipped, int shippedLength,
                byte[] stored) {
        }

        void run(FileChannel newChannel) throws IOException {
            nw = Channels.newOutputStream(newChannel);
            List<SquashfsImage> imgs = images.stream().map(ImageLocator.Found::image).toList();
            long pos = 0;
            try (ThreadCodecs codecs = new ThreadCodecs(imgs, infos, encoders);
                    OrderedPipeline<Decision> pipeline = new OrderedPipeline<>("spin-plan", threads, threads * 4,
                            this::accept)) {
                for (int i = 0; i < images.size(); i++) {
                    ImageLocator.Found img = images.get(i);
                    pipeline.finish();
                    gap(pos, img.offset());
                    int image = i;
                    List<Chunk> chunks = img.map().chunks();
                    for (int k = 0; k < chunks.size(); k++) {
                        int index = k;
                        readTo.accept(img.offset() + chunks.get(k).end());
                        pipeline.submit(() -> decide(codecs, image, index, img, chunks.get(index)));
                    }
                    pipeline.finish();
                    pos = img.offset() + img.length();
                }
                gap(pos, target.size());
            }
            nw.flush();
        }

        private Decision decide(ThreadCodecs codecs, int image, int index, ImageLocator.Found img, Chunk c)
                throws IOException {
            if (c.length() > SpinPlanCodec.MAX_BLOCK + 2) {
                return new Decision(c, image, index, null, null, 0, null); // padding, odd ranges: copied from the target
            }
            int n = (int) c.length();
            byte[] stored = new byte[n];
            ChannelInput.readFully(target, img.offset() + c.offset(), stored, 0, n, "SPIN");
            long at = catalog.find(ChunkKey.of(stored, 0, n, ChunkKey.digest()));
            if (at >= 0) {
                return new Decision(c, image, index, new Op.Copy(at, n), null, 0, null);
            }
            boolean block = c.kind() == ChunkKind.DATA_BLOCK || c.kind() == ChunkKind.FRAGMENT_BLOCK;
            boolean metadata = c.kind().metadata();
            if (c.compressed() && (block || metadata) && !infos.get(image).encoder().isEmpty()) {
                int max = metadata ? SquashfsConstants.METADATA_MAX : infos.get(image).blockSize();
                byte[] decoded = new byte[max];
                int d = BlockBytes.decode(stored, n, metadata, codecs.decoder(image), decoded, max,
                        "SPIN " + c.describe());
                byte[] again = new byte[max];
                int e = codecs.encoder(image).encode(decoded, 0, d, again, metadata);
                int payload = metadata ? n - SquashfsConstants.METADATA_HEADER_SIZE : n;
                int skip = n - payload;
                if (e == payload && Arrays.equals(again, 0, e, stored, skip, n)) {
                    CRC32 crc = new CRC32();
                    crc.update(stored, skip, payload);
                    return new Decision(c, image, index, new Op.Recompress(image, metadata, d, payload, (int) crc.getValue()),
                            decoded, d, stored);
                }
            }
            return new Decision(c, image, index, new Op.Literal(n), stored, n, null);
        }

        private void accept(Decision d) throws IOException {
            if (d.op() == null) {
                ImageLocator.Found img = images.get(d.image());
                gap(img.offset() + d.chunk().offset(), img.offset() + d.chunk().end());
                return;
            }
            if (d.op() instanceof Op.Copy && usedBytes(d.chunk()) > 0) {
                copiedFileChunks[d.image()].set(d.index());
            } else {
                attribute(d.chunk(), d.op());
            }
            add(d.op());
            if (d.shipped() == null) {
                return;
            }
            nw.write(d.shipped(), 0, d.shippedLength());
            reference(d.chunk());
            if (d.op() instanceof Op.Recompress r) {
                String kind = r.image() + (r.metadata() ? "m" : "d");
                if (samplesTaken.merge(kind, 1, Integer::sum) <= SAMPLES_PER_KIND) {
                    MessageDigest md = Sha256.newDigest();
                    md.update(d.stored(), r.metadata() ? SquashfsConstants.METADATA_HEADER_SIZE : 0, r.storedLength());
                    samples.add(new Sample(r.image(), r.metadata(), Arrays.copyOf(d.shipped(), d.shippedLength()),
                            md.digest()));
                }
            }
        }

        /**
         * Adds an op's bytes to the paths its chunk serves, split by the bytes each path uses; the split of
         * each count sums exactly to it, so every target byte is attributed once.
         */
        private void attribute(Chunk c, Op op) {
            List<ChunkUse> uses = c.uses();
            long total = usedBytes(c);
            if (total == 0) {
                count(byStructure.computeIfAbsent("(" + c.kind().label() + ")", k -> new long[4]), op, 0, 1, 1);
                return;
            }
            long before = 0;
            for (ChunkUse u : uses) {
                count(byPath.computeIfAbsent(u.pathId(), k -> new long[4]), op, before, before + u.length(), total);
                before += u.length();
            }
        }

        /** Decoded bytes of the chunk that files use: 0 for a structure, or a block no file takes bytes of. */
        private static long usedBytes(Chunk c) {
            return c.uses().stream().mapToLong(ChunkUse::length).sum();
        }

        /** Adds the op's bytes in {@code [from, to)} of {@code whole} to a path's or structure's counts. */
        private static void count(long[] a, Op op, long from, long to, long whole) {
            if (op instanceof Op.Copy) {
                a[0] += share(op.targetLength(), from, to, whole);
            } else if (op instanceof Op.Recompress r) {
                a[1] += share(r.decodedLength(), from, to, whole);
                a[2] += share(r.targetLength(), from, to, whole); // a metadata block's header included
            } else {
                a[3] += share(op.targetLength(), from, to, whole);
            }
        }

        /** The part of {@code bytes} that {@code [from, to)} of {@code whole} gets (chunk sizes: no overflow). */
        private static long share(long bytes, long from, long to, long whole) {
            return bytes * to / whole - bytes * from / whole;
        }

        /**
         * The contributors, once every chunk is decided: a copied file chunk's bytes go, split as in
         * {@link #attribute}, to those of its paths that ship bytes elsewhere; the rest are summed, with a
         * count of their paths (each counted at its use that starts at file offset 0: a file whose first
         * block is sparse, stored nowhere, adds its bytes but not its count).
         */
        List<Contributor> contributors() {
            long elsewhere = 0;
            int elsewherePaths = 0;
            for (int i = 0; i < images.size(); i++) {
                List<Chunk> chunks = images.get(i).map().chunks();
                BitSet copied = copiedFileChunks[i];
                for (int k = copied.nextSetBit(0); k >= 0; k = copied.nextSetBit(k + 1)) {
                    Chunk c = chunks.get(k);
                    long total = usedBytes(c); // > 0: accept() attributed the others at once
                    long before = 0;
                    for (ChunkUse u : c.uses()) {
                        long part = share(c.length(), before, before + u.length(), total);
                        long[] a = byPath.get(u.pathId());
                        if (a != null) {
                            a[0] += part;
                        } else {
                            elsewhere += part;
                            elsewherePaths += u.fileOffset() == 0 ? 1 : 0;
                        }
                        before += u.length();
                    }
                }
            }
            Map<String, long[]> named = new HashMap<>(byStructure);
            byPath.forEach((id, a) -> named.merge(paths.path(id), a, Planner::sum));
            return ranked(named, MAX_CONTRIBUTORS, elsewhere, elsewherePaths);
        }

        private static long[] sum(long[] a, long[] b) {
            long[] s = a.clone();
            for (int i = 0; i < s.length; i++) {
                s[i] += b[i];
            }
            return s;
        }

        /** Target bytes outside any chunk decision: shipped as they are, diffed against BASE's container. */
        private void gap(long from, long to) throws IOException {
            if (to <= from) {
                return;
            }
            readTo.accept(to);
            byStructure.computeIfAbsent("(container and padding)", k -> new long[4])[3] += to - from;
            add(new Op.Literal(to - from));
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            for (long p = from; p < to; ) {
                buf.clear().limit((int) Math.min(buf.capacity(), to - p));
                int r = target.read(buf, p);
                if (r < 0) {
                    throw new IOException("SPIN shrank while being read");
                }
                nw.write(buf.array(), 0, r);
                p += r;
            }
            if (!gapsReferenced) {
                gapsReferenced = true;
                catalog.gaps().forEach(s -> sources.putIfAbsent(s, Boolean.TRUE));
            }
        }

        /** Adds to OLD the base content this shipped chunk most resembles. */
        private void reference(Chunk c) {
            if (c.kind().metadata()) {
                catalog.table(c.kind()).forEach(s -> sources.putIfAbsent(s, Boolean.TRUE));
                return;
            }
            for (ChunkUse u : c.uses()) {
                ReferenceChooser.BaseFile f = chooser.choose(u.pathId(), u.fileOffset() + u.length());
                if (f != null) {
                    f.blocks().forEach(s -> sources.putIfAbsent(s, Boolean.TRUE));
                }
            }
        }

        /** Appends an op, merging it into the previous one where the two are contiguous. */
        private void add(Op op) {
            if (!ops.isEmpty()) {
                Op last = ops.get(ops.size() - 1);
                if (last instanceof Op.Copy a && op instanceof Op.Copy b && a.baseOffset() + a.length() == b.baseOffset()) {
                    ops.set(ops.size() - 1, new Op.Copy(a.baseOffset(), a.length() + b.length()));
                    return;
                }
                if (last instanceof Op.Literal a && op instanceof Op.Literal b) {
                    ops.set(ops.size() - 1, new Op.Literal(a.length() + b.length()));
                    return;
                }
            }
            ops.add(op);
        }

        List<Op> ops() {
            return ops;
        }

        List<Source> sources() {
            return new ArrayList<>(sources.keySet());
        }

        List<Sample> samples() {
            return samples;
        }
    }

    /**
     * Writes OLD: the sources laid end to end, blocks decoded on the pool, each into an array handed back once
     * written (see {@link PieceBuffers}).
     */
    static void writeOld(FileChannel base, List<SquashfsImage> imgs, List<Source> sources, Path oldFile,
            int threads) throws IOException {
        int depth = threads * 4;
        PieceBuffers buffers = PieceBuffers.forPipeline(depth);
        try (FileChannel old = FileChannel.open(oldFile, StandardOpenOption.WRITE);
                ThreadCodecs codecs = new ThreadCodecs(imgs, List.of(), null)) {
            OutputStream o = Channels.newOutputStream(old);
            try (OrderedPipeline<Piece> pipeline = new OrderedPipeline<>("spin-old", threads, depth, p -> {
                o.write(p.bytes(), 0, p.length());
                buffers.give(p.bytes());
            })) {
                for (Source s : sources) {
                    if (s instanceof Source.BaseBytes b && b.length() > PieceBuffers.PIECE) {
                        // BASE bytes are read in pieces, whatever length a (hostile) plan gives them
                        for (long p = 0; p < b.length(); p += PieceBuffers.PIECE) {
                            Source piece = new Source.BaseBytes(b.offset() + p,
                                    Math.min(PieceBuffers.PIECE, b.length() - p));
                            pipeline.submit(() -> SourceReader.read(base, imgs, piece, codecs, buffers));
                        }
                    } else {
                        pipeline.submit(() -> SourceReader.read(base, imgs, s, codecs, buffers));
                    }
                }
                pipeline.finish();
            }
            o.flush();
        }
    }

    static void writePatch(FileChannel out, SpinPlan plan, Path contentFile, int threads) throws IOException {
        byte[] decoded = SpinPlanCodec.encode(plan);
        java.io.ByteArrayOutputStream xz = new java.io.ByteArrayOutputStream();
        try (XZOutputStream x = new XZOutputStream(xz, new LZMA2Options(6))) {
            x.write(decoded);
        }
        byte[] planBytes = xz.toByteArray();
        long contentDecoded = Files.size(contentFile);
        out.position(SpinPatchHeader.SIZE);
        OutputStream o = Channels.newOutputStream(out);
        o.write(planBytes);
        long contentStart = SpinPatchHeader.SIZE + planBytes.length;
        OutputStream sink = new OutputStream() { // the compressor's close must not close the patch
            @Override
            public void write(int b) throws IOException {
                o.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                o.write(b, off, len);
            }
        };
        try (java.io.InputStream in = Files.newInputStream(contentFile);
                OutputStream x = contentCompressor(sink, threads)) {
            in.transferTo(x);
        }
        o.flush();
        long contentLength = out.size() - contentStart;
        SpinPatchHeader h = new SpinPatchHeader(plan.baseLength(), plan.baseSha256(), plan.targetLength(),
                plan.targetSha256(), planBytes.length, decoded.length, contentLength, contentDecoded);
        ByteBuffer hb = ByteBuffer.wrap(h.encode());
        for (long p = 0; hb.hasRemaining(); ) {
            p += out.write(hb, p);
        }
    }

    /**
     * The content's xz compressor: the system's liblzma on all threads, in blocks of
     * {@link #CONTENT_XZ_BLOCK} (measured on a localized pair's 86.7 MB content, 2 cores: 19.7 s wall and
     * 11.88 MB, against xz-java's single thread 55 s and 11.75 MB), or xz-java where liblzma is missing.
     */
    static OutputStream contentCompressor(OutputStream sink, int threads) throws IOException {
        if (threads > 1 && NativeXzOutputStream.available()) {
            // The diff's arrays are garbage by now: a full collection gives their pages back to the system
            // before liblzma takes its ~330 MiB (2 threads), so peak RSS is the larger of the two phases
            // rather than their sum.
            System.gc();
            return new NativeXzOutputStream(sink, CONTENT_XZ_PRESET, threads, CONTENT_XZ_BLOCK);
        }
        return new XZOutputStream(sink, new LZMA2Options(CONTENT_XZ_PRESET));
    }

}
