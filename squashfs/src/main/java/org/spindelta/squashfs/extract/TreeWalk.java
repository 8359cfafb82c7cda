package org.spindelta.squashfs.extract;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LimitExceededException;
import org.spindelta.squashfs.format.DirectoryEntry;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.read.SquashfsTree;

/**
 * Walks the selected part of a tree depth first in listing order (parents before their entries, as
 * unsquashfs extracts), with names as raw bytes. It loops instead of recursing, checks every name with
 * {@link EntryName#check} before the visitor sees it, refuses a directory inode entered twice and
 * nesting deeper than {@link SquashfsTree#MAX_DEPTH} (reference doc §6 item 9), whatever the reader
 * already checked.
 *
 * @param <D> what the visitor keeps per directory (the output directory, or nothing)
 */
final class TreeWalk<D> {
    /** Receives the selected files. */
    interface Visitor<D> {
        /**
         * A directory to create; returns what its entries will be given as {@code parent}. The root comes
         * first, with a null parent and name.
         */
        D directory(D parent, byte[] name, String path, Inode.Directory dir) throws IOException;

        /** Anything but a directory. */
        void entry(D parent, byte[] name, String path, Inode inode) throws IOException;
    }

    /** A directory whose entries are being visited; {@code next} is the entry to visit next. */
    private static final class Frame<D> {
        final D context;
        final String path;
        final List<DirectoryEntry> entries;
        final Selection.Node selected;
        final int depth;
        int next;

        Frame(D context, String path, List<DirectoryEntry> entries, Selection.Node selected, int depth) {
            this.context = context;
            this.path = path;
            this.entries = entries;
            this.selected = selected;
            this.depth = depth;
        }
    }

    private TreeWalk() {}

    /**
     * @throws CorruptInputException if a name is not a single component, a directory is entered twice or
     *     the tree is corrupt
     * @throws LimitExceededException if directories nest deeper than {@link SquashfsTree#MAX_DEPTH}
     */
    static <D> void walk(SquashfsTree tree, Selection selection, Visitor<D> visitor) throws IOException {
        Inode.Directory root = tree.root();
        long rootRef = tree.image().superBlock().rootInodeRef();
        Set<Long> entered = new HashSet<>();
        entered.add(rootRef);
        ArrayDeque<Frame<D>> stack = new ArrayDeque<>();
        D rootContext = visitor.directory(null, null, "", root);
        stack.push(new Frame<>(rootContext, "", list(tree, root, "/"), selection.root(), 0));
        while (!stack.isEmpty()) {
            Frame<D> f = stack.peek();
            if (f.next == f.entries.size()) {
                stack.pop();
                continue;
            }
            DirectoryEntry e = f.entries.get(f.next++);
            byte[] name = e.name();
            EntryName.check(name, f.path);
            Selection.Node selected = f.selected.child(name);
            if (selected == null) {
                continue;
            }
            String path = EntryName.child(f.path, name);
            Inode inode;
            try {
                inode = tree.inode(e);
            } catch (CorruptInputException x) {
                throw new CorruptInputException("\"" + path + "\": " + x.getMessage(), x);
            }
            if (!(inode instanceof Inode.Directory dir)) {
                visitor.entry(f.context, name, path, inode);
                continue;
            }
            if (!entered.add(e.inodeRef())) {
                throw new CorruptInputException("directory loop: \"" + path + "\" is directory inode "
                        + dir.header().inodeNumber() + " at ref 0x" + Long.toHexString(e.inodeRef())
                        + ", which the walk has already entered");
            }
            int depth = f.depth + 1;
            if (depth > SquashfsTree.MAX_DEPTH) {
                throw new LimitExceededException("directory \"" + path + "\" is nested " + depth
                        + " levels deep, more than extraction walks (" + SquashfsTree.MAX_DEPTH + ")", depth,
                        SquashfsTree.MAX_DEPTH);
            }
            D context = visitor.directory(f.context, name, path, dir);
            stack.push(new Frame<>(context, path, list(tree, dir, path), selected, depth));
        }
    }

    /** The directory's listing; a corrupt one is reported with the directory's path. */
    private static List<DirectoryEntry> list(SquashfsTree tree, Inode.Directory dir, String path) throws IOException {
        try {
            return tree.list(dir);
        } catch (CorruptInputException x) {
            throw new CorruptInputException("directory \"" + path + "\": " + x.getMessage(), x);
        }
    }
}
