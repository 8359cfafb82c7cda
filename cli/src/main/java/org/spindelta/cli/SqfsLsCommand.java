package org.spindelta.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.read.IdTable;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code spindelta sqfs ls [-l] IMAGE [PATH]}: the image's files, depth first in directory order, as
 * {@code unsquashfs -l} prints them ("squashfs-root/..." paths), or with {@code -l} as
 * {@code unsquashfs -lls} does (mode, owner/group, size or device numbers, mtime in UTC, path, symlink
 * target). Owners are shown by name when this machine's /etc/passwd and /etc/group know the id, by
 * number otherwise, as unsquashfs's getpwuid/getgrgid lookup does.
 */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = {"List an image's files like 'unsquashfs -l' (or 'unsquashfs -lls' with -l), times in UTC.",
            "With PATH, list the directories leading to it and everything below it."})
final class SqfsLsCommand implements Callable<Integer> {
    /** Root of the printed paths: unsquashfs's default destination directory. */
    static final String ROOT = "squashfs-root";
    /** unsquashfs's TOTALCHARS: owner, group and size columns together take this width. */
    private static final int TOTAL_CHARS = 25;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "-l", description = "Long listing, like 'unsquashfs -lls'.")
    boolean longFormat;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "A SquashFS image file.")
    Path image;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "A file or directory in the image.")
    String path;

    private final Map<Long, String> users = new HashMap<>();
    private final Map<Long, String> groups = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        SquashfsImage img = SqfsCommand.open(image);
        if (longFormat) {
            readNames(Path.of("/etc/passwd"), users);
            readNames(Path.of("/etc/group"), groups);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (img; SquashfsTree tree = SquashfsTree.open(img)) {
            SquashfsTree.Node start;
            if (path == null || path.replace("/", "").isEmpty()) {
                start = new SquashfsTree.Node("", img.superBlock().rootInodeRef(), tree.root());
            } else {
                for (String part : path.split("/")) {
                    if (part.equals(".") || part.equals("..")) {
                        throw new ParameterException(spec.commandLine(), "PATH may not contain '.' or '..': " + path);
                    }
                }
                Optional<SquashfsTree.Node> found = tree.lookup(path);
                if (found.isEmpty()) {
                    throw new ParameterException(spec.commandLine(), "no such file in " + image + ": " + path);
                }
                start = found.get();
                // unsquashfs prints each directory on the way to an extract path
                print(out, tree, new SquashfsTree.Node("", img.superBlock().rootInodeRef(), tree.root()));
                String[] parts = start.path().split("/");
                StringBuilder at = new StringBuilder();
                for (int i = 0; i < parts.length - 1; i++) {
                    at.append(at.length() == 0 ? "" : "/").append(parts[i]);
                    print(out, tree, tree.lookup(at.toString()).orElseThrow());
                }
            }
            tree.walk(start, n -> print(out, tree, n));
        } finally {
            out.flush();
        }
        return 0;
    }

    private void print(PrintWriter out, SquashfsTree tree, SquashfsTree.Node n) throws IOException {
        String name = n.path().isEmpty() ? ROOT : ROOT + "/" + n.path();
        if (!longFormat) {
            out.println(name);
            return;
        }
        Inode inode = n.inode();
        IdTable ids = tree.ids();
        String user = owner(users, ids.id(inode.header().uidIndex()));
        String group = owner(groups, ids.id(inode.header().gidIndex()));
        StringBuilder line = new StringBuilder(96);
        line.append(modeString(inode.header().mode())).append(' ').append(user).append('/').append(group).append(' ');
        int pad = TOTAL_CHARS - user.length() - group.length();
        if (inode instanceof Inode.Device d) {
            int data = (int) d.rdev();
            pad -= 7;
            line.append(String.format(Locale.ROOT, "%" + Math.max(pad, 1) + "s%3d,%3d ", " ", data >> 8, data & 0xFF));
        } else {
            long size = 0;
            if (inode instanceof Inode.Directory d) {
                size = d.size();
            } else if (inode instanceof Inode.File f) {
                size = f.size();
            } else if (inode instanceof Inode.Symlink s) {
                size = s.target().length;
            }
            String s = Long.toString(size);
            line.append(" ".repeat(Math.max(0, pad - s.length()))).append(s).append(' ');
        }
        line.append(TIME.format(Instant.ofEpochSecond(inode.header().mtime()))).append(' ').append(name);
        if (inode instanceof Inode.Symlink s) {
            line.append(" -> ").append(s.targetString());
        }
        out.println(line);
    }

    private static String owner(Map<Long, String> names, long id) {
        String n = names.get(id);
        return n != null ? n : Long.toString(id);
    }

    /** name:x:id:... lines; the first name for an id wins, as the files NSS backend returns it. */
    private static void readNames(Path file, Map<Long, String> into) {
        try {
            for (String l : Files.readAllLines(file)) {
                String[] f = l.split(":", -1);
                if (f.length >= 3 && !f[0].isEmpty()) {
                    try {
                        into.putIfAbsent(Long.parseLong(f[2]), f[0]);
                    } catch (NumberFormatException e) {
                        // a malformed line names nobody
                    }
                }
            }
        } catch (IOException e) {
            // no database: ids print as numbers
        }
    }

    /** ls-style mode string, e.g. "drwxr-xr-x", with s/S, t/T for setuid, setgid and sticky. */
    static String modeString(int mode) {
        char[] c = "----------".toCharArray();
        c[0] = switch (mode & 0170000) {
            case 0140000 -> 's';
            case 0120000 -> 'l';
            case 0060000 -> 'b';
            case 0040000 -> 'd';
            case 0020000 -> 'c';
            case 0010000 -> 'p';
            default -> '-';
        };
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                c[i + 1] = rwx.charAt(i);
            }
        }
        if ((mode & 04000) != 0) {
            c[3] = c[3] == 'x' ? 's' : 'S';
        }
        if ((mode & 02000) != 0) {
            c[6] = c[6] == 'x' ? 's' : 'S';
        }
        if ((mode & 01000) != 0) {
            c[9] = c[9] == 'x' ? 't' : 'T';
        }
        return new String(c);
    }
}
