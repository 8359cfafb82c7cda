package org.spindelta.squashfs.extract;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.read.SquashfsTree;

/**
 * The output directory of an extraction, built under a temporary name beside it and renamed into place
 * only when complete. The temporary directory is created 0700 in DIR's parent (".DIR.spindelta-XXXXXXXX"),
 * so nobody else can reach into it while it fills; {@link #commit()} renames it to DIR (replacing DIR
 * if it is an empty directory), and {@link #close()} without a commit deletes everything below it,
 * never following a symlink, so a failed extraction leaves nothing.
 */
final class StagedDirectory implements AutoCloseable {
    /** DIR's name is cut to this many bytes in the temporary name, to stay under NAME_MAX (255). */
    private static final int NAME_PREFIX_MAX = 200;
    private static final int CREATE_ATTEMPTS = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path target;
    private final int parentFd;
    private final byte[] targetName;
    private final byte[] tempName;
    private final int rootFd;
    private boolean committed;

    private StagedDirectory(Path target, int parentFd, byte[] targetName, byte[] tempName, int rootFd) {
        this.target = target;
        this.parentFd = parentFd;
        this.targetName = targetName;
        this.tempName = tempName;
        this.rootFd = rootFd;
    }

    /**
     * Checks that {@code target} can be extracted into: its parent is a directory, and it does not exist
     * or is an empty directory.
     *
     * @throws SpindeltaException saying what is wrong with DIR
     */
    static void check(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path name = abs.getFileName();
        if (name == null || name.toString().equals(".") || name.toString().equals("..")) {
            throw new SpindeltaException("cannot extract into " + target + ": DIR must name a directory to create");
        }
        Path parent = abs.getParent();
        if (!Files.isDirectory(parent)) {
            throw new SpindeltaException("cannot extract into " + target + ": its parent directory " + parent
                    + " does not exist");
        }
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
                throw new SpindeltaException("cannot extract into " + target + ": it exists and is not a directory");
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(abs)) {
                if (entries.iterator().hasNext()) {
                    throw new SpindeltaException("cannot extract into " + target
                            + ": it is not empty (extract into a new or empty directory)");
                }
            }
        }
    }

    /**
     * Checks {@code target} and creates the temporary directory beside it.
     *
     * @throws SpindeltaException as {@link #check}
     * @throws PosixCallException if the temporary directory cannot be created
     */
    static StagedDirectory create(Path target) throws IOException {
        PosixCalls.requireSupported();
        check(target);
        Path abs = target.toAbsolutePath();
        byte[] name = abs.getFileName().toString().getBytes(EntryName.PLATFORM);
        int parentFd = PosixCalls.openDirectory(abs.getParent().toString());
        try {
            for (int attempt = 0; ; attempt++) {
                byte[] suffix = new byte[4];
                RANDOM.nextBytes(suffix);
                byte[] temp = tempName(name, HexFormat.of().formatHex(suffix));
                String shown = abs.getParent().resolve(new String(temp, EntryName.PLATFORM)).toString();
                try {
                    PosixCalls.makeDirectory(parentFd, temp, shown);
                } catch (PosixCallException e) {
                    if (e.errno() == Libc.EEXIST && attempt < CREATE_ATTEMPTS) {
                        continue;
                    }
                    throw e;
                }
                int rootFd;
                try {
                    rootFd = PosixCalls.openDirectory(parentFd, temp, shown);
                } catch (PosixCallException e) {
                    PosixCalls.unlink(parentFd, temp, Libc.AT_REMOVEDIR);
                    throw e;
                }
                return new StagedDirectory(target, parentFd, name, temp, rootFd);
            }
        } catch (IOException | RuntimeException e) {
            PosixCalls.close(parentFd);
            throw e;
        }
    }

    private static byte[] tempName(byte[] name, String suffix) {
        byte[] head = Arrays.copyOf(name, Math.min(name.length, NAME_PREFIX_MAX));
        byte[] tail = (".spindelta-" + suffix).getBytes(StandardCharsets.US_ASCII);
        byte[] t = new byte[1 + head.length + tail.length];
        t[0] = '.';
        System.arraycopy(head, 0, t, 1, head.length);
        System.arraycopy(tail, 0, t, 1 + head.length, tail.length);
        return t;
    }

    /** The temporary root, open; the caller must not close it. */
    int rootFd() {
        return rootFd;
    }

    Path target() {
        return target;
    }

    /**
     * Renames the finished tree to DIR.
     *
     * @throws SpindeltaException if DIR was meanwhile created as a file or filled, or cannot be replaced
     */
    void commit() throws IOException {
        check(target);
        PosixCalls.rename(parentFd, tempName, parentFd, targetName, target.toString());
        committed = true;
    }

    /** Closes the directories and, unless committed, deletes the temporary tree. */
    @Override
    public void close() throws IOException {
        try {
            if (!committed) {
                // the root may have been given its final mode already: make it ours to empty again
                PosixCalls.chmod(rootFd, PosixCalls.PRIVATE_DIRECTORY_MODE);
                removeContents(rootFd, new String(tempName, EntryName.PLATFORM), 0);
                int r = PosixCalls.unlink(parentFd, tempName, Libc.AT_REMOVEDIR);
                if (r != 0 && r != -Libc.ENOENT) {
                    throw new PosixCallException("cannot remove the temporary directory "
                            + abs(tempName) + ": " + Libc.strerror(-r), -r);
                }
            }
        } finally {
            PosixCalls.close(rootFd);
            PosixCalls.close(parentFd);
        }
    }

    private String abs(byte[] name) {
        return target.toAbsolutePath().getParent().resolve(new String(name, EntryName.PLATFORM)).toString();
    }

    /**
     * Deletes everything in the directory open at {@code dirfd}. unlinkat removes anything but a
     * directory, symlinks included (never followed); for a directory it fails with EISDIR, and then the
     * directory is opened without following, emptied and removed. The tree is extraction's own, so its
     * depth is bounded by the walk's.
     */
    private static void removeContents(int dirfd, String path, int depth) throws PosixCallException {
        if (depth > SquashfsTree.MAX_DEPTH + 1) {
            throw new PosixCallException("cannot remove " + path + ": nested deeper than extraction creates", 0);
        }
        for (byte[] name : PosixCalls.list(dirfd, path)) {
            String child = path + "/" + EntryName.printable(name);
            int r = PosixCalls.unlink(dirfd, name, 0);
            if (r == 0 || r == -Libc.ENOENT) {
                continue;
            }
            if (r != -Libc.EISDIR) {
                throw new PosixCallException("cannot remove " + child + ": " + Libc.strerror(-r), -r);
            }
            // it is a directory (unlink said so; a symlink would have been removed): make it ours to empty
            PosixCalls.chmodNode(dirfd, name, PosixCalls.PRIVATE_DIRECTORY_MODE);
            int fd = PosixCalls.openDirectory(dirfd, name, child);
            try {
                removeContents(fd, child, depth + 1);
            } finally {
                PosixCalls.close(fd);
            }
            r = PosixCalls.unlink(dirfd, name, Libc.AT_REMOVEDIR);
            if (r != 0) {
                throw new PosixCallException("cannot remove " + child + ": " + Libc.strerror(-r), -r);
            }
        }
    }
}
