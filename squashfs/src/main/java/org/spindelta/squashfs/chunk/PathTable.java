package org.spindelta.squashfs.chunk;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The paths of one or more images, each stored once as its parent directory's number and its own name,
 * so that a path is an {@code int} and a directory's prefix is not repeated in every file below it. On
 * the 4.4 GB images of the large-image series, full path strings were ~40% of the spin diff's planning
 * heap (425,000 strings, 42 MB); here a path costs its name's bytes and 16 to 24 bytes of tables.
 *
 * <p>Two images mapped with the same table give the same path the same number, which is how the spin
 * diff pairs a target file with its base version without a map keyed by strings. Names are kept as the
 * UTF-8 bytes of the strings given (the directory reader decodes names as UTF-8, so the strings given back
 * are equal to those given).
 *
 * <p>Interning is not thread-safe; once a table is filled, any number of threads may read it.
 */
public final class PathTable {
    /** The number of the root directory, whose path is "". */
    public static final int ROOT = 0;
    /** Bytes of names a table holds at most: the arena is one array. */
    static final int MAX_NAME_BYTES = Integer.MAX_VALUE - 16;
    private static final int NONE = -1;

    private int[] parent = new int[1024];
    /** Where each path's name starts in {@link #names}; it ends where the next path's starts. */
    private int[] nameStart = new int[1025];
    private byte[] names = new byte[16 << 10];
    private int count;
    /** Open addressing over (parent, name): path number + 1, or 0 for an empty slot. */
    private int[] slots = new int[2048];
    /** The directory of the path interned last: files of one directory are met together. */
    private String lastDir = "";
    private int lastDirId = ROOT;

    public PathTable() {
        parent[ROOT] = NONE;
        count = 1;
    }

    /** Paths held, the root included; numbers are {@code [0, size())}. */
    public int size() {
        return count;
    }

    /**
     * The number of {@code path} ("dir/sub/name": names of at least one byte between single slashes, as the
     * tree walk forms them; "" is the root), adding it and its directories if they are new.
     *
     * @throws IllegalArgumentException for a leading, trailing or doubled '/'
     */
    public int intern(String path) {
        if (path.isEmpty()) {
            return ROOT;
        }
        if (path.charAt(0) == '/' || path.charAt(path.length() - 1) == '/' || path.contains("//")) {
            throw new IllegalArgumentException("not a path of an image: \"" + path + "\"");
        }
        int slash = path.lastIndexOf('/');
        int dir;
        if (slash < 0) {
            dir = ROOT;
        } else if (slash == lastDir.length() && path.startsWith(lastDir)) {
            dir = lastDirId;
        } else {
            String d = path.substring(0, slash);
            dir = intern(d);
            lastDir = d;
            lastDirId = dir;
        }
        return child(dir, path.substring(slash + 1).getBytes(StandardCharsets.UTF_8));
    }

    /** The number of {@code path} if the table holds it, else -1; adds nothing. */
    public int find(String path) {
        int id = ROOT;
        if (path.isEmpty()) {
            return id;
        }
        for (String name : path.split("/", -1)) {
            id = name.isEmpty() ? NONE : lookup(id, name.getBytes(StandardCharsets.UTF_8));
            if (id < 0) {
                return NONE;
            }
        }
        return id;
    }

    /** The path of number {@code id}. */
    public String path(int id) {
        checkId(id);
        if (id == ROOT) {
            return "";
        }
        int length = -1;
        for (int p = id; p != ROOT; p = parent[p]) {
            length += nameStart[p + 1] - nameStart[p] + 1;
        }
        byte[] b = new byte[length];
        int end = length;
        for (int p = id; p != ROOT; p = parent[p]) {
            int n = nameStart[p + 1] - nameStart[p];
            end -= n;
            System.arraycopy(names, nameStart[p], b, end, n);
            if (end > 0) {
                b[--end] = '/';
            }
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The directory holding path {@code id}; {@link #ROOT} for a top-level name, -1 for the root. */
    public int parent(int id) {
        checkId(id);
        return parent[id];
    }

    private void checkId(int id) {
        if (id < 0 || id >= count) {
            throw new IndexOutOfBoundsException("path number " + id + " outside [0, " + count + ")");
        }
    }

    /** The number of {@code name} in directory {@code dir}, added if new. */
    private int child(int dir, byte[] name) {
        int found = lookup(dir, name);
        if (found >= 0) {
            return found;
        }
        int id = add(dir, name);
        slots[-1 - found] = id + 1;
        if (2 * count > slots.length) {
            rehash();
        }
        return id;
    }

    /** The number of {@code name} in directory {@code dir}, or {@code -1 - slot} of the free slot it would take. */
    private int lookup(int dir, byte[] name) {
        int mask = slots.length - 1;
        for (int i = hash(dir, name) & mask; ; i = (i + 1) & mask) {
            int s = slots[i];
            if (s == 0) {
                return -1 - i;
            }
            int id = s - 1;
            if (parent[id] == dir && Arrays.equals(names, nameStart[id], nameStart[id + 1], name, 0, name.length)) {
                return id;
            }
        }
    }

    private int add(int dir, byte[] name) {
        int at = nameStart[count];
        if (name.length > MAX_NAME_BYTES - at) {
            throw new IllegalStateException("more than " + MAX_NAME_BYTES + " bytes of path names");
        }
        if (count + 1 >= parent.length) {
            parent = Arrays.copyOf(parent, grow(parent.length));
            nameStart = Arrays.copyOf(nameStart, parent.length + 1);
        }
        if (at + name.length > names.length) {
            names = Arrays.copyOf(names, (int) Math.min(MAX_NAME_BYTES, Math.max(at + name.length, 2L * names.length)));
        }
        System.arraycopy(name, 0, names, at, name.length);
        parent[count] = dir;
        nameStart[count + 1] = at + name.length;
        return count++;
    }

    private static int grow(int length) {
        if (length >= Integer.MAX_VALUE / 2) {
            throw new IllegalStateException("more than " + (Integer.MAX_VALUE / 2) + " paths");
        }
        return length * 2;
    }

    private void rehash() {
        int[] bigger = new int[grow(slots.length)];
        int mask = bigger.length - 1;
        for (int id = ROOT + 1; id < count; id++) {
            int i = hash(parent[id], names, nameStart[id], nameStart[id + 1]) & mask;
            while (bigger[i] != 0) {
                i = (i + 1) & mask;
            }
            bigger[i] = id + 1;
        }
        slots = bigger;
    }

    private static int hash(int dir, byte[] name) {
        return hash(dir, name, 0, name.length);
    }

    private static int hash(int dir, byte[] b, int from, int to) {
        int h = dir * 0x9E3779B9;
        for (int i = from; i < to; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        return h ^ h >>> 16;
    }
}
