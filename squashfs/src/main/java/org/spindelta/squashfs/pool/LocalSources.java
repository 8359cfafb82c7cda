package org.spindelta.squashfs.pool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.InputFile;
import org.spindelta.squashfs.chunk.Chunk;
import org.spindelta.squashfs.chunk.ChunkKind;
import org.spindelta.squashfs.format.SquashfsConstants;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.spin.BlockBytes;
import org.spindelta.squashfs.spin.ImageLocator;

/**
 * Images the user already has (a base, another spin), offered to {@code get} as sources of chunks: each
 * chunk of their SquashFS images by the SHA-256 of its stored bytes (a piece with those bytes is copied),
 * and each compressed block the recipe wants by its decoded bytes (a piece recompressed from that content
 * decodes it from the source instead of fetching it). Every byte taken from a source is checked again
 * against the recipe's hash when used, so a source that changes underneath does no harm.
 */
final class LocalSources implements AutoCloseable {
    /** A block or byte range in a source. */
    record Place(int file, long offset, int length, int image, boolean metadata, boolean decode) {
    }

    private final List<FileChannel> files = new ArrayList<>();
    private final List<List<SquashfsImage>> images = new ArrayList<>();
    private final Map<ChunkId, Place> byStored = new HashMap<>();
    private final Map<ChunkId, Place> byDecoded = new HashMap<>();
    /** Tail groups of the sources' fragment blocks ({@link FragmentParts}): a place, and where in its block. */
    private final Map<ChunkId, PartPlace> byPart = new HashMap<>();

    /**
     * A group of tails at {@code [offset, offset + length)} of a source fragment block's decoded bytes, which
     * is {@code [streamPos, streamPos + length)} of its image's tail stream; or (block null) a range of the
     * tail stream found by {@link #inferParts}.
     */
    record PartPlace(Place block, int offset, int length, int stream, long streamPos) {
    }

    /**
     * A source image's fragment blocks in order, decoded and laid end to end: its <em>tail stream</em>.
     * mksquashfs packs the tails of files into fragment blocks in walk order, so the tails of consecutive
     * files are consecutive here, across block boundaries.
     */
    private record StreamBlock(Place place, long start, int length) {
    }

    private final List<List<StreamBlock>> streams = new ArrayList<>();
    /** Fragment blocks by file and offset: {stream, block}. */
    private final Map<Long, int[]> streamBlockAt = new HashMap<>();

    /** The last source block a thread decoded, for the several groups taken from one block. */
    private final ThreadLocal<Object[]> lastDecoded = new ThreadLocal<>();

    /**
     * Indexes the sources' chunks.
     *
     * @param wantStored stored hashes the recipe needs; only these are kept
     * @param wantDecoded decoded chunk ids the recipe needs that no stored hash supplies; blocks are decoded
     *     to look for these only while some remain unfound, and only in source images compressed unlike
     *     every image of the recipe: with the same compressor, options and block size, the same content is
     *     the same stored bytes, already found by hash (decoding a whole image costs seconds)
     * @param wantParts tail groups the recipe needs, looked for in the sources' fragment blocks
     * @param wantReferences chunks that delta chunks the recipe needs are made from: looked for as stored
     *     bytes, as decoded blocks (in every source image while some remain unfound: a delta's reference is
     *     the content of a block of another image, whatever its coding) and as tail groups
     * @param recipeImages the recipe's images
     */
    static LocalSources open(List<Path> paths, Set<ChunkId> wantStored, Set<ChunkId> wantDecoded,
            Set<ChunkId> wantParts, Set<ChunkId> wantReferences, List<org.spindelta.squashfs.spin.ImageInfo> recipeImages)
            throws IOException {
        if (!wantReferences.isEmpty()) {
            wantStored = union(wantStored, wantReferences);
            wantDecoded = union(wantDecoded, wantReferences);
            wantParts = union(wantParts, wantReferences);
        }
        LocalSources s = new LocalSources();
        boolean decodeAll = !wantReferences.isEmpty();
        try {
            for (Path p : paths) {
                s.add(p, wantStored, wantDecoded, wantParts, decodeAll, recipeImages);
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private static Set<ChunkId> union(Set<ChunkId> a, Set<ChunkId> b) {
        Set<ChunkId> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return u;
    }

    /** @param decodeAll decode blocks whatever their coding (delta references are wanted) */
    private void add(Path path, Set<ChunkId> wantStored, Set<ChunkId> wantDecoded, Set<ChunkId> wantParts,
            boolean decodeAll, List<org.spindelta.squashfs.spin.ImageInfo> recipeImages) throws IOException {
        FileChannel ch = InputFile.open(path, "SOURCE " + path);
        int file = files.size();
        files.add(ch);
        List<SquashfsImage> imgs = new ArrayList<>();
        images.add(imgs);
        List<ImageLocator.Found> found = ImageLocator.find(ch);
        byte[] buf = new byte[PoolFormat.MAX_CHUNK];
        byte[] decoded = new byte[PoolFormat.MAX_CHUNK];
        long pos = 0;
        for (ImageLocator.Found f : found) {
            ranges(file, pos, f.offset(), buf, wantStored);
            pos = f.offset() + f.length();
            int image = imgs.size();
            imgs.add(f.image());
            var sb = f.image().superBlock();
            byte[] options = org.spindelta.squashfs.spin.SpinDiff.storedOptions(f.image());
            boolean sameCoding = recipeImages.stream().anyMatch(r -> r.compressor() == sb.compressor()
                    && r.blockSize() == sb.blockSize() && java.util.Arrays.equals(r.options(), options));
            var decoder = f.image().newDecompressor();
            int stream = streams.size();
            List<StreamBlock> tails = new ArrayList<>();
            streams.add(tails);
            long streamEnd = 0;
            try {
                for (Chunk c : f.map().chunks()) {
                    if (c.length() > PoolFormat.MAX_CHUNK) {
                        ranges(file, f.offset() + c.offset(), f.offset() + c.end(), buf, wantStored);
                        continue;
                    }
                    int n = (int) c.length();
                    long at = f.offset() + c.offset();
                    ChannelInput.readFully(ch, at, buf, 0, n, "SOURCE " + path);
                    ChunkId stored = ChunkId.of(buf, 0, n);
                    boolean metadata = c.kind().metadata();
                    if (wantStored.contains(stored)) {
                        byStored.putIfAbsent(stored, new Place(file, at, n, image, metadata, false));
                    }
                    boolean block = c.kind() == ChunkKind.DATA_BLOCK || c.kind() == ChunkKind.FRAGMENT_BLOCK;
                    long streamStart = streamEnd;
                    if (c.kind() == ChunkKind.FRAGMENT_BLOCK && c.decodedSize() <= f.image().superBlock().blockSize()) {
                        streamBlockAt.put(key(file, at), new int[] {stream, tails.size()});
                        tails.add(new StreamBlock(new Place(file, at, n, image, false, c.compressed()), streamStart,
                                (int) c.decodedSize()));
                        streamEnd += c.decodedSize();
                    }
                    if (c.kind() == ChunkKind.FRAGMENT_BLOCK && !wantParts.isEmpty()
                            && byPart.size() < wantParts.size() && !wantStored.contains(stored)) {
                        int max = f.image().superBlock().blockSize();
                        try {
                            byte[] content = c.compressed() ? decoded : buf; // an uncompressed block is its tails
                            int d = c.compressed()
                                    ? BlockBytes.decode(buf, n, false, decoder, decoded, max, "SOURCE " + c.describe())
                                    : n;
                            Place whole = new Place(file, at, n, image, false, c.compressed());
                            List<Piece.Part> parts = FragmentParts.split(content, d, c.uses());
                            if (parts.isEmpty()) {
                                parts = List.of(new Piece.Part(ChunkId.of(content, 0, d), d));
                            }
                            int off = 0;
                            for (Piece.Part part : parts) {
                                if (wantParts.contains(part.id())) {
                                    byPart.putIfAbsent(part.id(), new PartPlace(whole, off, part.length(), stream,
                                            streamStart + off));
                                }
                                off += part.length();
                            }
                        } catch (org.spindelta.core.SpindeltaException e) {
                            // a damaged source block is simply not offered
                        }
                    }
                    if ((!sameCoding || decodeAll) && c.compressed() && (block || metadata)
                            && byDecoded.size() < wantDecoded.size()) {
                        int max = metadata ? SquashfsConstants.METADATA_MAX : f.image().superBlock().blockSize();
                        int d;
                        try {
                            d = BlockBytes.decode(buf, n, metadata, decoder, decoded, max, "SOURCE " + c.describe());
                        } catch (org.spindelta.core.SpindeltaException e) {
                            continue; // a damaged block of a source is simply not offered
                        }
                        ChunkId id = ChunkId.of(decoded, 0, d);
                        if (wantDecoded.contains(id)) {
                            byDecoded.putIfAbsent(id, new Place(file, at, n, image, metadata, true));
                        }
                    }
                }
            } finally {
                decoder.close();
            }
        }
        ranges(file, pos, ch.size(), buf, wantStored);
    }

    /** Offers bytes outside the images, cut as {@code add} cuts them (1 MiB pieces from the range's start). */
    private void ranges(int file, long from, long to, byte[] buf, Set<ChunkId> wantStored) throws IOException {
        for (long p = from; p < to; p += PoolFormat.MAX_CHUNK) {
            int n = (int) Math.min(PoolFormat.MAX_CHUNK, to - p);
            ChannelInput.readFully(files.get(file), p, buf, 0, n, "SOURCE");
            ChunkId id = ChunkId.of(buf, 0, n);
            if (wantStored.contains(id)) {
                byStored.putIfAbsent(id, new Place(file, p, n, -1, false, false));
            }
        }
    }

    private static long key(int file, long offset) {
        return (long) file << 48 | offset;
    }

    /**
     * Finds more of a recipe's tail groups in the sources: a spin that adds or changes files shifts every
     * later tail into other fragment blocks, so most of its groups are found whole in a source (by content),
     * but the groups around each block boundary hold tails that the source packs across two blocks. Those
     * tails are still consecutive in the source's tail stream: after a group found at stream position P, the
     * recipe's next bytes are likely at P + its length. Each guess is read and checked against the group's
     * id, walking the recipe's groups forwards (anchored on the last group found) and then backwards.
     *
     * @return groups found this way
     */
    int inferParts(List<Piece> pieces) throws IOException {
        List<Piece.Part> parts = new ArrayList<>();
        List<long[]> anchors = new ArrayList<>(); // per part: {stream, source stream position} or null
        for (Piece p : pieces) {
            if (p instanceof Piece.Recompressed r && r.metadata()) {
                continue;
            }
            Place whole = byStored.get(p instanceof Piece.Recompressed r ? r.storedId() : p.id());
            int[] sb = whole == null ? null : streamBlockAt.get(key(whole.file(), whole.offset()));
            if (p.chunks().size() == 1 && sb == null) {
                continue; // a data block, or a fragment block not cut into groups: the walk cannot tell them apart
            }
            long pos = sb == null ? -1 : streams.get(sb[0]).get(sb[1]).start();
            for (Piece.Part part : p.chunks()) {
                parts.add(part);
                PartPlace pp = byPart.get(part.id());
                if (sb != null) {
                    anchors.add(new long[] {sb[0], pos});
                    pos += part.length();
                } else if (pp != null) {
                    anchors.add(new long[] {pp.stream(), pp.streamPos()});
                } else {
                    anchors.add(null);
                }
            }
        }
        int found = 0;
        for (int pass = 0; pass < 2; pass++) {
            boolean forward = pass == 0;
            long[] last = null;
            int lastLength = 0;
            for (int k = 0; k < parts.size(); k++) {
                int i = forward ? k : parts.size() - 1 - k;
                Piece.Part part = parts.get(i);
                long[] a = anchors.get(i);
                if (a == null && last != null) {
                    long guess = forward ? last[1] + lastLength : last[1] - part.length();
                    if (guess >= 0 && readStream((int) last[0], guess, part.length(), part.id()) != null) {
                        byPart.putIfAbsent(part.id(), new PartPlace(null, 0, part.length(), (int) last[0], guess));
                        a = new long[] {last[0], guess};
                        anchors.set(i, a);
                        found++;
                    }
                }
                if (a != null) {
                    last = a;
                    lastLength = part.length();
                } else {
                    last = null;
                }
            }
        }
        return found;
    }

    /** Bytes {@code [pos, pos + length)} of a tail stream if they hash to {@code id}, else null. */
    private byte[] readStream(int stream, long pos, int length, ChunkId id) throws IOException {
        List<StreamBlock> blocks = streams.get(stream);
        int lo = 0;
        int hi = blocks.size() - 1;
        int first = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            StreamBlock b = blocks.get(mid);
            if (pos < b.start()) {
                hi = mid - 1;
            } else if (pos >= b.start() + b.length()) {
                lo = mid + 1;
            } else {
                first = mid;
                break;
            }
        }
        if (first < 0) {
            return null;
        }
        byte[] out = new byte[length];
        int w = 0;
        for (int i = first; i < blocks.size() && w < length; i++) {
            StreamBlock b = blocks.get(i);
            byte[] content = decodedBlock(b.place());
            if (content == null || content.length != b.length()) {
                return null;
            }
            int from = (int) Math.max(0, pos + w - b.start());
            int n = Math.min(length - w, content.length - from);
            System.arraycopy(content, from, out, w, n);
            w += n;
        }
        return w == length && ChunkId.of(out, 0, length).equals(id) ? out : null;
    }

    /**
     * The decoded bytes of the block at {@code p} (its stored bytes if it is not compressed), or null if it
     * does not decode (the source changed since it was indexed). The last block a thread decoded is kept:
     * several tail groups come from one fragment block.
     */
    private byte[] decodedBlock(Place p) throws IOException {
        Object[] last = lastDecoded.get();
        if (last != null && last[0] == p) {
            return (byte[]) last[1];
        }
        byte[] stored = read(p);
        byte[] block = stored;
        if (p.decode()) {
            SquashfsImage img = image(p);
            int max = p.metadata() ? SquashfsConstants.METADATA_MAX : img.superBlock().blockSize();
            byte[] out = new byte[max];
            var decoder = img.newDecompressor();
            try {
                int d = BlockBytes.decode(stored, stored.length, p.metadata(), decoder, out, max, "SOURCE block");
                block = java.util.Arrays.copyOf(out, d);
            } catch (org.spindelta.core.SpindeltaException e) {
                return null;
            } finally {
                decoder.close();
            }
        }
        lastDecoded.set(new Object[] {p, block});
        return block;
    }

    PartPlace part(ChunkId id) {
        return byPart.get(id);
    }

    /**
     * A group of tails from a source fragment block, checked against its id; null if the source changed
     * since it was indexed (the caller then takes the chunk from the pool).
     */
    byte[] readPart(PartPlace p, ChunkId id) throws IOException {
        if (p.block() == null) {
            return readStream(p.stream(), p.streamPos(), p.length(), id);
        }
        byte[] block = decodedBlock(p.block());
        if (block == null || p.offset() + p.length() > block.length) {
            return null;
        }
        byte[] b = java.util.Arrays.copyOfRange(block, p.offset(), p.offset() + p.length());
        return ChunkId.of(b, 0, b.length).equals(id) ? b : null;
    }

    /**
     * A chunk's content from the sources, checked against its id: stored bytes that are the chunk, a block
     * that decodes to it, or a tail group; null if no source has it (or a source changed since indexing).
     */
    byte[] content(ChunkId id) throws IOException {
        Place p = byStored.get(id);
        if (p != null) {
            byte[] b = read(p);
            if (ChunkId.of(b, 0, b.length).equals(id)) {
                return b;
            }
        }
        Place d = byDecoded.get(id);
        if (d != null) {
            byte[] b = decode(d, id, -1);
            if (b != null) {
                return b;
            }
        }
        PartPlace part = byPart.get(id);
        return part == null ? null : readPart(part, id);
    }

    /** Whether {@link #content} may find {@code id}. */
    boolean has(ChunkId id) {
        return byStored.containsKey(id) || byDecoded.containsKey(id) || byPart.containsKey(id);
    }

    /**
     * The decoded bytes of the block at {@code d} if they are chunk {@code id} (of {@code length} bytes, or
     * any length if negative), else null: the source changed since it was indexed.
     */
    byte[] decode(Place d, ChunkId id, int length) throws IOException {
        byte[] b = decodedBlock(d);
        return b != null && (length < 0 || b.length == length) && ChunkId.of(b, 0, b.length).equals(id) ? b : null;
    }

    Place stored(ChunkId id) {
        return byStored.get(id);
    }

    Place decoded(ChunkId id) {
        return byDecoded.get(id);
    }

    /** The stored bytes at a place. */
    byte[] read(Place p) throws IOException {
        byte[] b = new byte[p.length()];
        ChannelInput.readFully(files.get(p.file()), p.offset(), b, 0, b.length, "SOURCE");
        return b;
    }

    SquashfsImage image(Place p) {
        return images.get(p.file()).get(p.image());
    }

    @Override
    public void close() throws IOException {
        for (FileChannel f : files) {
            f.close();
        }
    }
}
