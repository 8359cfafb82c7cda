package org.spindelta.squashfs.chunk;

import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_HEADER_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.SUPERBLOCK_SIZE;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.format.FragmentEntry;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.format.SuperBlock;
import org.spindelta.squashfs.read.ExportTable;
import org.spindelta.squashfs.read.FileLayout;
import org.spindelta.squashfs.read.FragmentTable;
import org.spindelta.squashfs.read.IdTable;
import org.spindelta.squashfs.read.MetadataBlock;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;
import org.spindelta.squashfs.read.TableLayout;
import org.spindelta.squashfs.read.XattrTable;

/**
 * An image as an ordered list of {@link Chunk}s that covers every byte of it exactly once: the
 * superblock, the compressor options, every data and fragment block (with the files that use it), every
 * metadata block of the inode, directory, fragment, export, id and xattr tables, the lookup indexes, and
 * the padding after bytes_used. Bytes before bytes_used that nothing refers to become {@link
 * ChunkKind#UNREFERENCED} chunks, so the map covers the image even then; two structures claiming
 * overlapping bytes make the image corrupt (a block shared by duplicate files or hard links is one chunk
 * with several uses, not an overlap).
 *
 * <p>Building reads every metadata block (to learn its decoded size) but no data or fragment block: a
 * data block's decoded size follows from its file's size, a fragment block's from the tails packed in
 * it (the furthest tail end; mksquashfs packs them without gaps). A compressed fragment block that no
 * file uses (mksquashfs writes none) is listed with decoded size 0: it is not decoded. Sizes of
 * compressed blocks are what the files require; a consumer that decodes a block checks them.
 */
public final class ChunkMap {
    private final SquashfsImage image;
    private final PathTable paths;
    private final List<Chunk> chunks;

    private ChunkMap(SquashfsImage image, PathTable paths, List<Chunk> chunks) {
        this.image = image;
        this.paths = paths;
        this.chunks = List.copyOf(chunks);
    }

    /**
     * Maps {@code image}.
     *
     * @throws CorruptInputException if any structure is corrupt or two structures overlap
     */
    public static ChunkMap build(SquashfsImage image) throws IOException {
        return build(image, new PathTable());
    }

    /**
     * Maps {@code image}, its files' paths interned in {@code paths}: maps built with one table give the same
     * path the same number. A build that fails may leave paths in the table.
     *
     * @throws CorruptInputException if any structure is corrupt or two structures overlap
     */
    public static ChunkMap build(SquashfsImage image, PathTable paths) throws IOException {
        return new Builder(image, paths).build();
    }

    public SquashfsImage image() {
        return image;
    }

    /** The table that numbers the paths of {@link ChunkUse#pathId()}. */
    public PathTable paths() {
        return paths;
    }

    /** The path of a use of one of this map's chunks. */
    public String path(ChunkUse use) {
        return paths.path(use.pathId());
    }

    /** The chunks in image order; consecutive chunks are adjacent, the first starts at 0. */
    public List<Chunk> chunks() {
        return chunks;
    }

    /** Bytes covered: the image length, padding included. */
    public long length() {
        return chunks.isEmpty() ? 0 : chunks.get(chunks.size() - 1).end();
    }

    /** The chunk holding image byte {@code offset}. */
    public Chunk at(long offset) {
        if (offset < 0 || offset >= length()) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside [0, " + length() + ")");
        }
        int lo = 0;
        int hi = chunks.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (chunks.get(mid).offset() <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return chunks.get(lo);
    }

    /** Per kind: {chunks, bytes on disk, decoded bytes}, in kind order. */
    public Map<ChunkKind, long[]> totals() {
        Map<ChunkKind, long[]> t = new EnumMap<>(ChunkKind.class);
        for (Chunk c : chunks) {
            long[] v = t.computeIfAbsent(c.kind(), k -> new long[3]);
            v[0]++;
            v[1] += c.length();
            v[2] += c.decodedSize();
        }
        return t;
    }

    /** Collects chunks, then orders, checks and completes them. */
    private static final class Builder {
        private final SquashfsImage image;
        private final PathTable paths;
        private final SuperBlock s;
        private final List<Chunk> fixed = new ArrayList<>();
        /** Data blocks by offset: duplicates and hard links add uses to one chunk. */
        private final Map<Long, BlockChunk> blocks = new HashMap<>();
        /** Fragment blocks by fragment number. */
        private final Map<Long, BlockChunk> fragments = new HashMap<>();

        Builder(SquashfsImage image, PathTable paths) {
            this.image = image;
            this.paths = paths;
            this.s = image.superBlock();
        }

        ChunkMap build() throws IOException {
            fixed.add(new Chunk(0, SUPERBLOCK_SIZE, ChunkKind.SUPERBLOCK, -1, false, SUPERBLOCK_SIZE, List.of()));
            if (image.dataStart() > SUPERBLOCK_SIZE) {
                MetadataBlock options;
                try (BlockDecompressor d = image.newDecompressor()) {
                    options = image.metadataBlock(SUPERBLOCK_SIZE, s.inodeTable(), d);
                }
                fixed.add(metadataChunk(options, ChunkKind.COMPRESSOR_OPTIONS, -1));
            }
            try (BlockDecompressor d = image.newDecompressor();
                    FragmentTable fragmentTable = FragmentTable.read(image);
                    ExportTable export = ExportTable.read(image);
                    XattrTable xattrs = XattrTable.read(image)) {
                IdTable ids = IdTable.read(image);
                walkFiles(fragmentTable);
                // lookup tables: blocks at indexed positions, then the index
                lookup(fragmentTable.layout(), ChunkKind.FRAGMENT_TABLE, ChunkKind.FRAGMENT_INDEX, d);
                lookup(export.layout(), ChunkKind.EXPORT_TABLE, ChunkKind.EXPORT_INDEX, d);
                lookup(ids.layout(), ChunkKind.ID_TABLE, ChunkKind.ID_INDEX, d);
                lookup(xattrs.layout(), ChunkKind.XATTR_ID_TABLE, ChunkKind.XATTR_ID_INDEX, d);
                // sequential tables: inode and directory tables end where the next structure starts
                sequence(s.inodeTable(), s.directoryTable(), ChunkKind.INODE_TABLE, d);
                sequence(s.directoryTable(), firstStartAfter(s.directoryTable()), ChunkKind.DIRECTORY_TABLE, d);
                if (xattrs.count() > 0) {
                    sequence(xattrs.kvStart(), xattrs.kvEnd(), ChunkKind.XATTR_KV, d);
                }
            }
            for (BlockChunk b : blocks.values()) {
                fixed.add(b.toChunk());
            }
            for (BlockChunk b : fragments.values()) {
                fixed.add(b.toChunk());
            }
            return new ChunkMap(image, paths, complete(fixed));
        }

        /** Adds every file's data blocks and fragment tail; hard links are met once per path. */
        private void walkFiles(FragmentTable fragmentTable) throws IOException {
            int blockSize = s.blockSize();
            try (SquashfsTree tree = SquashfsTree.open(image)) {
                tree.walk(node -> {
                    if (!(node.inode() instanceof Inode.File file)) {
                        return;
                    }
                    FileLayout layout = FileLayout.of(image, file, node.path());
                    long number = file.header().inodeNumber();
                    int pathId = layout.blockCount() > 0 || file.hasFragment() ? paths.intern(node.path()) : -1;
                    for (int k = 0; k < layout.blockCount(); k++) {
                        if (layout.sparse(k)) {
                            continue;
                        }
                        long at = layout.position(k);
                        BlockChunk b = blocks.get(at);
                        if (b == null) {
                            b = new BlockChunk(at, layout.storedSize(k), ChunkKind.DATA_BLOCK, -1, layout.compressed(k));
                            blocks.put(at, b);
                        } else if (b.length != layout.storedSize(k) || b.compressed != layout.compressed(k)) {
                            throw new CorruptInputException("\"" + node.path() + "\" block " + k + " at byte " + at
                                    + " (" + layout.storedSize(k) + " bytes) overlaps a block of \""
                                    + paths.path(b.uses.get(0).pathId()) + "\" at the same byte (" + b.length + " bytes)");
                        }
                        b.use(new ChunkUse(pathId, number, (long) k * blockSize, 0, layout.decodedSize(k)));
                    }
                    if (file.hasFragment()) {
                        BlockChunk b = fragments.get(file.fragmentIndex());
                        if (b == null) {
                            FragmentEntry e = fragmentTable.entry(file.fragmentIndex());
                            b = new BlockChunk(e.start(), e.storedSize(), ChunkKind.FRAGMENT_BLOCK, file.fragmentIndex(),
                                    e.compressed());
                            fragments.put(file.fragmentIndex(), b);
                        }
                        int tail = layout.tailLength();
                        long fo = file.fragmentOffset();
                        // a raw fragment block holds exactly its stored bytes, a compressed one at most block_size
                        long room = b.compressed ? blockSize : b.length;
                        if (fo + tail > room) {
                            throw new CorruptInputException("\"" + node.path() + "\": tail of " + tail + " bytes at offset "
                                    + fo + " of fragment " + file.fragmentIndex() + " runs past its " + room
                                    + (b.compressed ? " bytes (block_size)" : " stored bytes"));
                        }
                        b.use(new ChunkUse(pathId, number, file.size() - tail, (int) fo, tail));
                    }
                });
            }
            // fragments no file uses (mksquashfs writes none) still take their bytes; they are not decoded,
            // so a crafted table of many entries costs no decompression, and their decoded size stays 0
            for (long i = 0; i < fragmentTable.count(); i++) {
                if (!fragments.containsKey(i)) {
                    FragmentEntry e = fragmentTable.entry(i);
                    BlockChunk b = new BlockChunk(e.start(), e.storedSize(), ChunkKind.FRAGMENT_BLOCK, i, e.compressed());
                    b.unused = true;
                    fragments.put(i, b);
                }
            }
        }

        private void lookup(TableLayout t, ChunkKind blockKind, ChunkKind indexKind, BlockDecompressor d)
                throws IOException {
            long[] positions = t.blockPositions();
            for (int i = 0; i < positions.length; i++) {
                fixed.add(metadataChunk(image.metadataBlock(positions[i], t.indexStart(), d), blockKind, i));
            }
            if (t.indexSize() > 0) {
                fixed.add(new Chunk(t.indexStart(), t.indexSize(), indexKind, -1, false, t.indexSize(), List.of()));
            }
        }

        /** Metadata blocks one after another from {@code start}; the last must end exactly at {@code end}. */
        private void sequence(long start, long end, ChunkKind kind, BlockDecompressor d) throws IOException {
            long at = start;
            for (int i = 0; at < end; i++) {
                MetadataBlock m = image.metadataBlock(at, end, d);
                fixed.add(metadataChunk(m, kind, i));
                at = m.next();
            }
        }

        /** Where the first lookup-table block or index after {@code position} starts. */
        private long firstStartAfter(long position) {
            long first = s.bytesUsed();
            for (Chunk c : fixed) {
                if (c.offset() > position && c.offset() < first && c.kind() != ChunkKind.DATA_BLOCK
                        && c.kind() != ChunkKind.FRAGMENT_BLOCK) {
                    first = c.offset();
                }
            }
            return first;
        }

        private static Chunk metadataChunk(MetadataBlock m, ChunkKind kind, long index) {
            return new Chunk(m.position(), METADATA_HEADER_SIZE + m.storedSize(), kind, index, m.compressed(),
                    m.length(), List.of());
        }

        /**
         * Sorts the chunks, refuses overlaps, fills gaps before bytes_used with UNREFERENCED chunks and adds
         * the padding after it.
         */
        private List<Chunk> complete(List<Chunk> all) throws CorruptInputException {
            all.sort(Comparator.comparingLong(Chunk::offset));
            List<Chunk> out = new ArrayList<>(all.size() + 2);
            long at = 0;
            Chunk previous = null;
            for (Chunk c : all) {
                if (c.offset() < at) {
                    throw new CorruptInputException(c.describe() + " overlaps " + previous.describe());
                }
                if (c.offset() > at) {
                    out.add(new Chunk(at, c.offset() - at, ChunkKind.UNREFERENCED, -1, false, c.offset() - at,
                            List.of()));
                }
                out.add(c);
                at = c.end();
                previous = c;
            }
            long used = s.bytesUsed();
            if (at > used) {
                throw new CorruptInputException(previous.describe() + " runs past bytes_used " + used);
            }
            if (at < used) {
                out.add(new Chunk(at, used - at, ChunkKind.UNREFERENCED, -1, false, used - at, List.of()));
            }
            long length = image.source().length();
            if (length > used) {
                out.add(new Chunk(used, length - used, ChunkKind.PADDING, -1, false, length - used, List.of()));
            }
            return Collections.unmodifiableList(out);
        }
    }

    /** A data or fragment block being collected: its uses grow as the walk meets files. */
    private static final class BlockChunk {
        final long offset;
        final int length;
        final ChunkKind kind;
        final long index;
        final boolean compressed;
        final List<ChunkUse> uses = new ArrayList<>(1);
        int decoded;
        boolean unused;

        BlockChunk(long offset, int length, ChunkKind kind, long index, boolean compressed) {
            this.offset = offset;
            this.length = length;
            this.kind = kind;
            this.index = index;
            this.compressed = compressed;
        }

        void use(ChunkUse u) {
            uses.add(u);
            decoded = Math.max(decoded, u.blockOffset() + u.length());
        }

        Chunk toChunk() {
            return new Chunk(offset, length, kind, index, compressed, unused && compressed ? 0
                    : compressed ? decoded : length, uses);
        }
    }
}
