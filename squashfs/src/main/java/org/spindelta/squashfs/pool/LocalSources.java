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

    /** A group of file tails at {@code [offset, offset + length)} of a source fragment block's decoded bytes. */
    record PartPlace(Place block, int offset, int length) {
    }

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
     * @param recipeImages the recipe's images
     */
    static LocalSources open(List<Path> paths, Set<ChunkId> wantStored, Set<ChunkId> wantDecoded,
            Set<ChunkId> wantParts, List<org.spindelta.squashfs.spin.ImageInfo> recipeImages) throws IOException {
        LocalSources s = new LocalSources();
        try {
            for (Path p : paths) {
                s.add(p, wantStored, wantDecoded, wantParts, recipeImages);
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void add(Path path, Set<ChunkId> wantStored, Set<ChunkId> wantDecoded, Set<ChunkId> wantParts,
            List<org.spindelta.squashfs.spin.ImageInfo> recipeImages) throws IOException {
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
                    if (c.kind() == ChunkKind.FRAGMENT_BLOCK && c.compressed() && !wantParts.isEmpty()
                            && byPart.size() < wantParts.size() && !wantStored.contains(stored)) {
                        int max = f.image().superBlock().blockSize();
                        try {
                            int d = BlockBytes.decode(buf, n, false, decoder, decoded, max, "SOURCE " + c.describe());
                            Place whole = new Place(file, at, n, image, false, true);
                            List<Piece.Part> parts = FragmentParts.split(decoded, d, c.uses());
                            if (parts.isEmpty()) {
                                parts = List.of(new Piece.Part(ChunkId.of(decoded, 0, d), d));
                            }
                            int off = 0;
                            for (Piece.Part part : parts) {
                                if (wantParts.contains(part.id())) {
                                    byPart.putIfAbsent(part.id(), new PartPlace(whole, off, part.length()));
                                }
                                off += part.length();
                            }
                        } catch (org.spindelta.core.SpindeltaException e) {
                            // a damaged source block is simply not offered
                        }
                    }
                    if (!sameCoding && c.compressed() && (block || metadata) && byDecoded.size() < wantDecoded.size()) {
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

    PartPlace part(ChunkId id) {
        return byPart.get(id);
    }

    /**
     * A group of tails from a source fragment block, checked against its id; null if the source changed
     * since it was indexed (the caller then takes the chunk from the pool).
     */
    byte[] readPart(PartPlace p, ChunkId id) throws IOException {
        Object[] last = lastDecoded.get();
        byte[] block;
        if (last != null && last[0] == p.block()) {
            block = (byte[]) last[1];
        } else {
            byte[] stored = read(p.block());
            SquashfsImage img = image(p.block());
            int max = img.superBlock().blockSize();
            byte[] out = new byte[max];
            var decoder = img.newDecompressor();
            try {
                int d = BlockBytes.decode(stored, stored.length, false, decoder, out, max, "SOURCE block");
                block = java.util.Arrays.copyOf(out, d);
            } catch (org.spindelta.core.SpindeltaException e) {
                return null;
            } finally {
                decoder.close();
            }
            lastDecoded.set(new Object[] {p.block(), block});
        }
        if (p.offset() + p.length() > block.length) {
            return null;
        }
        byte[] b = java.util.Arrays.copyOfRange(block, p.offset(), p.offset() + p.length());
        return ChunkId.of(b, 0, b.length).equals(id) ? b : null;
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
