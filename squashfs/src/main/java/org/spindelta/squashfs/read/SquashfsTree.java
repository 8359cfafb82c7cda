package org.spindelta.squashfs.read;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LimitExceededException;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.format.DirectoryEntry;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.format.SquashfsConstants;
import org.spindelta.squashfs.format.Xattr;

/**
 * The file tree of an image: the root directory inode at root_inode_ref, directory listings, path
 * lookup and a depth-first walk. The walk refuses a directory inode it has already entered (a loop, or
 * a directory hard link, which SquashFS never writes) and paths deeper than {@link #MAX_DEPTH}
 * (reference doc §6 item 9). Every entry's type must equal its inode's basic type (item 6).
 *
 * <p>Not thread-safe: it owns a decompressor and caches decoded metadata blocks. {@link #close()}
 * releases the decompressor; the image stays open.
 */
public final class SquashfsTree implements AutoCloseable {
    /** Deepest directory nesting walked; PATH_MAX 4096 allows about 2048 one-byte components. */
    public static final int MAX_DEPTH = 1024;

    /** A file found by {@link #lookup} or {@link #walk}. */
    public record Node(String path, long inodeRef, Inode inode) {
    }

    /** Receives each file of a walk, parents before their entries. */
    @FunctionalInterface
    public interface Visitor {
        void visit(Node node) throws IOException;
    }

    private final SquashfsImage image;
    private final BlockDecompressor decompressor;
    private final MetadataReader inodes;
    private final InodeReader inodeReader;
    private final DirectoryReader directories;
    private final IdTable ids;
    private XattrTable xattrs;

    private SquashfsTree(SquashfsImage image, BlockDecompressor decompressor) throws IOException {
        this.image = image;
        this.decompressor = decompressor;
        var s = image.superBlock();
        this.inodes = new MetadataReader(image, s.inodeTable(), s.directoryTable(), "inode table", decompressor);
        this.inodeReader = new InodeReader(s, image.xattrIdCount());
        this.directories = new DirectoryReader(new MetadataReader(image, s.directoryTable(),
                InodeReader.directoryTableEnd(s), "directory table", decompressor), s);
        this.ids = IdTable.read(image);
    }

    /**
     * Opens the tree of {@code image}; reads the id table.
     *
     * @throws CorruptInputException if the id table is corrupt
     */
    public static SquashfsTree open(SquashfsImage image) throws IOException {
        BlockDecompressor d = image.newDecompressor();
        try {
            return new SquashfsTree(image, d);
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    public SquashfsImage image() {
        return image;
    }

    public IdTable ids() {
        return ids;
    }

    /** The inode at {@code ref}. */
    public Inode inode(long ref) throws IOException {
        return inodeReader.read(inodes, ref);
    }

    /**
     * The extended attributes of {@code inode}, in stored order; empty when it has none.
     *
     * @throws CorruptInputException if the xattr table is corrupt
     */
    public List<Xattr> xattrs(Inode inode) throws IOException {
        if (inode.xattrIndex() == SquashfsConstants.NO_INDEX) {
            return List.of();
        }
        if (xattrs == null) {
            xattrs = XattrTable.read(image);
        }
        return xattrs.get(inode.xattrIndex());
    }

    /**
     * The root directory.
     *
     * @throws CorruptInputException if root_inode_ref does not name a valid directory inode
     */
    public Inode.Directory root() throws IOException {
        long ref = image.superBlock().rootInodeRef();
        Inode i = inode(ref);
        if (!(i instanceof Inode.Directory d)) {
            throw new CorruptInputException("root_inode_ref 0x" + Long.toHexString(ref) + " names a " + i.type()
                    + " inode, not a directory");
        }
        return d;
    }

    /** The entries of {@code dir}, in listing order. */
    public List<DirectoryEntry> list(Inode.Directory dir) throws IOException {
        return directories.read(dir);
    }

    /** The inode an entry names, checked against the entry's type. */
    public Inode inode(DirectoryEntry e) throws IOException {
        Inode i = inode(e.inodeRef());
        if (i.header().inodeNumber() != e.inodeNumber()) {
            throw new CorruptInputException("directory entry \"" + DirectoryReader.printable(e.name()) + "\" names inode "
                    + e.inodeNumber() + " but its inode at ref 0x" + Long.toHexString(e.inodeRef()) + " is inode "
                    + i.header().inodeNumber());
        }
        if (i.type().basicValue() != e.type().value()) {
            throw new CorruptInputException("directory entry \"" + DirectoryReader.printable(e.name()) + "\" claims type "
                    + e.type().value() + " but its inode at ref 0x" + Long.toHexString(e.inodeRef()) + " has type "
                    + i.type().value() + " (basic " + i.type().basicValue() + ")");
        }
        return i;
    }

    /**
     * The file at {@code path}: components separated by '/', relative to the root ("" or "/" is the root).
     * Empty components are skipped; "." and ".." are not supported.
     *
     * @return empty if a component is missing or a non-directory has children in the path
     * @throws CorruptInputException if a directory on the way is corrupt
     */
    public Optional<Node> lookup(String path) throws IOException {
        long ref = image.superBlock().rootInodeRef();
        Inode cur = root();
        StringBuilder at = new StringBuilder();
        int depth = 0;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("path component \"" + part + "\" is not supported: " + path);
            }
            if (!(cur instanceof Inode.Directory d) || ++depth > MAX_DEPTH) {
                return Optional.empty();
            }
            byte[] want = part.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            DirectoryEntry found = null;
            for (DirectoryEntry e : list(d)) {
                if (java.util.Arrays.equals(e.name(), want)) {
                    found = e;
                    break;
                }
            }
            if (found == null) {
                return Optional.empty();
            }
            cur = inode(found);
            ref = found.inodeRef();
            at.append(at.length() == 0 ? "" : "/").append(part);
        }
        return Optional.of(new Node(at.toString(), ref, cur));
    }

    /**
     * Visits {@code start} and, if it is a directory, everything below it, depth first in listing order,
     * with paths formed as {@code start.path() + "/" + name}.
     *
     * @throws CorruptInputException if a directory inode appears twice (a loop) or the tree is corrupt
     * @throws LimitExceededException if directories nest deeper than {@link #MAX_DEPTH}
     */
    public void walk(Node start, Visitor visitor) throws IOException {
        walk(start, visitor, new HashSet<>(), 0);
    }

    /** Walks the whole tree; the root's path is "". */
    public void walk(Visitor visitor) throws IOException {
        walk(new Node("", image.superBlock().rootInodeRef(), root()), visitor);
    }

    private void walk(Node node, Visitor visitor, Set<Long> visited, int depth) throws IOException {
        visitor.visit(node);
        if (!(node.inode() instanceof Inode.Directory dir)) {
            return;
        }
        if (!visited.add(node.inodeRef())) {
            throw new CorruptInputException("directory loop: \"" + node.path() + "\" is directory inode "
                    + dir.header().inodeNumber() + " at ref 0x" + Long.toHexString(node.inodeRef())
                    + ", which the walk has already entered");
        }
        if (depth >= MAX_DEPTH) {
            throw new LimitExceededException("directory \"" + node.path() + "\" is nested " + depth
                    + " levels deep, the most this reader walks (" + MAX_DEPTH + ")", depth + 1, MAX_DEPTH);
        }
        String prefix = node.path().isEmpty() ? "" : node.path() + "/";
        for (DirectoryEntry e : list(dir)) {
            Inode child = inode(e);
            walk(new Node(prefix + e.nameString(), e.inodeRef(), child), visitor, visited, depth + 1);
        }
    }

    @Override
    public void close() {
        decompressor.close();
        if (xattrs != null) {
            xattrs.close();
        }
    }
}
