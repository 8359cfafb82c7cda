package org.spindelta.squashfs.extract;

/**
 * A directory extraction created: its parent and its own name (one checked component), so it can be
 * reopened later component by component from the output root ({@link DirectoryChain}), and the
 * attributes applied once its contents are complete. The root has no parent and depth 0.
 */
final class OutputDirectory {
    private final OutputDirectory parent;
    private final byte[] name;
    private final String path;
    private final int depth;
    private final Attributes attributes;

    private OutputDirectory(OutputDirectory parent, byte[] name, String path, int depth, Attributes attributes) {
        this.parent = parent;
        this.name = name;
        this.path = path;
        this.depth = depth;
        this.attributes = attributes;
    }

    static OutputDirectory root(Attributes attributes) {
        return new OutputDirectory(null, null, "", 0, attributes);
    }

    OutputDirectory child(byte[] childName, String childPath, Attributes childAttributes) {
        return new OutputDirectory(this, childName, childPath, depth + 1, childAttributes);
    }

    OutputDirectory parent() {
        return parent;
    }

    byte[] name() {
        return name;
    }

    /** The printable path inside the output ("" for the root). */
    String path() {
        return path;
    }

    int depth() {
        return depth;
    }

    Attributes attributes() {
        return attributes;
    }
}
