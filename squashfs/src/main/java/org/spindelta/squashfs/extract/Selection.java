package org.spindelta.squashfs.extract;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.format.DirectoryEntry;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.read.SquashfsTree;

/**
 * The parts of an image to extract, as a tree of name components: a node marked {@link Node#whole} is
 * extracted with everything below it; any other node is a directory on the way to a selected path,
 * created (with its own attributes) but holding only its selected children. No PATH selects the root
 * whole. Overlapping paths merge ("usr" covers "usr/bin").
 */
final class Selection {
    /** One selected name; children are keyed by their name bytes read as ISO-8859-1 (one char per byte). */
    static final class Node {
        private boolean whole;
        private final Map<String, Node> children = new HashMap<>();

        boolean whole() {
            return whole;
        }

        /** The selected child named {@code name}, or null when it is not selected. */
        Node child(byte[] name) {
            return whole ? this : children.get(new String(name, StandardCharsets.ISO_8859_1));
        }
    }

    private final Node root = new Node();

    private Selection() {}

    /** Everything. */
    static Selection all() {
        Selection s = new Selection();
        s.root.whole = true;
        return s;
    }

    /**
     * The subtrees at {@code paths} (all of the image when empty), each checked to exist.
     *
     * @throws SpindeltaException naming the first path that is missing, or that passes through a non-directory
     * @throws IllegalArgumentException if a path is not relative or has "." or ".." components
     */
    static Selection of(SquashfsTree tree, List<String> paths) throws IOException {
        if (paths.isEmpty()) {
            return all();
        }
        Selection s = new Selection();
        for (String path : paths) {
            Inode cur = tree.root();
            Node node = s.root;
            for (String part : ExtractOptions.components(path)) {
                byte[] want = part.getBytes(StandardCharsets.UTF_8);
                if (!(cur instanceof Inode.Directory dir)) {
                    throw new SpindeltaException("no such file in the image: " + path + " (a component before \""
                            + part + "\" is not a directory)");
                }
                DirectoryEntry found = null;
                for (DirectoryEntry e : tree.list(dir)) {
                    if (Arrays.equals(e.name(), want)) {
                        found = e;
                        break;
                    }
                }
                if (found == null) {
                    throw new SpindeltaException("no such file in the image: " + path);
                }
                cur = tree.inode(found);
                node = node.children.computeIfAbsent(new String(want, StandardCharsets.ISO_8859_1), k -> new Node());
            }
            node.whole = true;
        }
        return s;
    }

    Node root() {
        return root;
    }
}
