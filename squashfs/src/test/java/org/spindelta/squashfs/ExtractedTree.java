package org.spindelta.squashfs;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.spindelta.core.Sha256;

/**
 * A snapshot of an extracted directory tree, taken without following symlinks, to compare ours with
 * unsquashfs's: per path the type and all 12 mode bits, owner, size, mtime (seconds), symlink target,
 * device number, xattrs (every namespace, through llistxattr/lgetxattr) and SHA-256 of the contents; and
 * the hard-link groups (paths sharing an inode). Directory sizes are the file system's, so not compared.
 */
final class ExtractedTree {
    /** What is compared for one path. */
    record Entry(String type, String mode, long uid, long gid, long size, long mtime, String target, long rdev,
            Map<String, String> xattrs, String sha256) {
        @Override
        public String toString() {
            return type + " " + mode + " " + uid + ":" + gid + " size " + size + " mtime " + mtime
                    + (target == null ? "" : " -> " + target) + (rdev == 0 ? "" : " rdev " + rdev)
                    + (xattrs.isEmpty() ? "" : " xattrs " + xattrs) + (sha256 == null ? "" : " sha " + sha256);
        }
    }

    /** Entries by path relative to the root ("" is the root), sorted; and the hard-link groups. */
    record Snapshot(Map<String, Entry> entries, List<List<String>> linkGroups) {
    }

    private ExtractedTree() {}

    static Snapshot of(Path root) throws IOException {
        Map<String, Entry> entries = new TreeMap<>();
        Map<Long, TreeSet<String>> byInode = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                add(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                add(file);
                return FileVisitResult.CONTINUE;
            }

            private void add(Path p) throws IOException {
                String rel = root.relativize(p).toString();
                Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                String type = switch (mode & 0170000) {
                    case 0040000 -> "dir";
                    case 0100000 -> "file";
                    case 0120000 -> "symlink";
                    case 0020000 -> "chardev";
                    case 0060000 -> "blockdev";
                    case 0010000 -> "fifo";
                    case 0140000 -> "socket";
                    default -> "unknown";
                };
                boolean dir = type.equals("dir");
                String target = type.equals("symlink") ? Files.readSymbolicLink(p).toString() : null;
                String sha = type.equals("file") ? sha256(p) : null;
                long size = dir ? 0 : (Long) a.get("size");
                long mtime = ((FileTime) a.get("lastModifiedTime")).toMillis() / 1000;
                long rdev = type.endsWith("dev") ? (Long) a.get("rdev") : 0;
                entries.put(rel, new Entry(type, String.format("%04o", mode & 07777), (Integer) a.get("uid"),
                        (Integer) a.get("gid"), size, mtime, target, rdev, xattrs(p), sha));
                if (!dir && (Integer) a.get("nlink") > 1) {
                    byInode.computeIfAbsent((Long) a.get("ino"), k -> new TreeSet<>()).add(rel);
                }
            }
        });
        List<List<String>> groups = new ArrayList<>();
        for (TreeSet<String> g : byInode.values()) {
            groups.add(List.copyOf(g));
        }
        groups.sort((x, y) -> x.get(0).compareTo(y.get(0)));
        return new Snapshot(entries, groups);
    }

    /** Blocks allocated to a file (stat's st_blocks, 512-byte units), to check holes. */
    static long allocatedBlocks(Path workDir, Path file) throws IOException, InterruptedException {
        String out = Peers.run(workDir, List.of("stat", "-c", "%b", file.toString())).trim();
        return Long.parseLong(out);
    }

    private static String sha256(Path p) throws IOException {
        MessageDigest md = Sha256.newDigest();
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The libc xattr calls Java lacks for namespaces other than "user." and for symlinks themselves. */
    interface XattrCalls extends Library {
        XattrCalls C = Native.load(Platform.C_LIBRARY_NAME, XattrCalls.class);

        long llistxattr(byte[] path, byte[] list, long size);

        long lgetxattr(byte[] path, String name, byte[] value, long size);

        int lsetxattr(String path, String name, byte[] value, long size, int flags);
    }

    /** Every xattr of {@code p} itself (not a symlink's target), value in hex, by name. */
    static Map<String, String> xattrs(Path p) throws IOException {
        byte[] path = rawPath(p);
        long n = XattrCalls.C.llistxattr(path, null, 0);
        if (n < 0) {
            throw new IOException("llistxattr " + p + ": errno " + Native.getLastError());
        }
        Map<String, String> out = new TreeMap<>();
        if (n == 0) {
            return out;
        }
        byte[] list = new byte[(int) n];
        n = XattrCalls.C.llistxattr(path, list, list.length);
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (list[i] == 0) {
                String name = new String(list, start, i - start, StandardCharsets.UTF_8);
                start = i + 1;
                long len = XattrCalls.C.lgetxattr(path, name, null, 0);
                byte[] value = new byte[(int) Math.max(0, len)];
                if (len > 0) {
                    len = XattrCalls.C.lgetxattr(path, name, value, value.length);
                }
                if (len < 0) {
                    throw new IOException("lgetxattr " + p + " " + name + ": errno " + Native.getLastError());
                }
                out.put(name, HexFormat.of().formatHex(value));
            }
        }
        return out;
    }

    /**
     * The file name bytes of {@code p}, NUL-terminated, exactly as the file system has them: a path read
     * from a directory keeps its bytes, and toUri() percent-encodes those bytes (toString() would decode
     * them in the platform charset, losing bytes that are not valid there).
     */
    static byte[] rawPath(Path p) {
        String raw = p.toAbsolutePath().toUri().getRawPath();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        byte[] b = out.toByteArray();
        int len = b.length;
        while (len > 1 && b[len - 1] == '/') {
            len--;
        }
        byte[] c = new byte[len + 1];
        System.arraycopy(b, 0, c, 0, len);
        return c;
    }

    /** Sets an xattr on {@code p} itself (a symlink is not followed). */
    static void setXattr(Path p, String name, String value) throws IOException {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        if (XattrCalls.C.lsetxattr(p.toString(), name, v, v.length, 0) != 0) {
            throw new IOException("lsetxattr " + p + " " + name + ": errno " + Native.getLastError());
        }
    }
}
