package org.spindelta.squashfs.extract;

import static org.spindelta.squashfs.extract.Libc.AT_SYMLINK_NOFOLLOW;
import static org.spindelta.squashfs.extract.Libc.O_CLOEXEC;
import static org.spindelta.squashfs.extract.Libc.O_CREAT;
import static org.spindelta.squashfs.extract.Libc.O_DIRECTORY;
import static org.spindelta.squashfs.extract.Libc.O_EXCL;
import static org.spindelta.squashfs.extract.Libc.O_NOFOLLOW;
import static org.spindelta.squashfs.extract.Libc.O_RDONLY;
import static org.spindelta.squashfs.extract.Libc.O_WRONLY;
import static org.spindelta.squashfs.extract.Libc.cString;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.spindelta.core.SpindeltaException;

/**
 * The checked form of {@link Libc}: every call that fails throws a {@link PosixCallException} naming
 * what was being done to which path. Everything is relative to a directory descriptor and never
 * follows a symlink: entries are created with O_EXCL semantics (an existing name, symlink or not, is an
 * error), directories are opened with O_NOFOLLOW | O_DIRECTORY, and attributes are set through a
 * descriptor or with AT_SYMLINK_NOFOLLOW. {@code name} arguments are single path components, already
 * checked by {@link EntryName}; {@code path} arguments only label messages.
 */
final class PosixCalls {
    /** Mode of directories and files while they are filled; the final mode is set afterwards. */
    static final int PRIVATE_DIRECTORY_MODE = 0700;
    static final int PRIVATE_FILE_MODE = 0600;

    private PosixCalls() {}

    /**
     * @throws SpindeltaException if JNA or this platform cannot make the calls
     */
    static void requireSupported() throws SpindeltaException {
        if (Libc.UNSUPPORTED != null) {
            throw new SpindeltaException(Libc.UNSUPPORTED);
        }
    }

    static PosixCallException error(String what, String path) {
        int errno = Native.getLastError();
        return new PosixCallException("cannot " + what + " " + path + ": " + Libc.strerror(errno), errno);
    }

    /** Opens a directory the caller names by an ordinary path (the output's parent). */
    static int openDirectory(String dir) throws PosixCallException {
        int fd = Libc.open(cString(dir.getBytes(EntryName.PLATFORM)), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0) {
            throw error("open directory", dir);
        }
        return fd;
    }

    /** Opens the directory {@code name} in {@code dirfd}; a symlink there is refused (ELOOP or ENOTDIR). */
    static int openDirectory(int dirfd, byte[] name, String path) throws PosixCallException {
        int fd = Libc.openat(dirfd, cString(name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        if (fd < 0) {
            throw error("open directory", path);
        }
        return fd;
    }

    static void makeDirectory(int dirfd, byte[] name, String path) throws PosixCallException {
        if (Libc.mkdirat(dirfd, cString(name), PRIVATE_DIRECTORY_MODE) != 0) {
            throw error("create directory", path);
        }
    }

    /** Creates a new regular file, open for writing; fails if the name exists in any form. */
    static int createFile(int dirfd, byte[] name, String path) throws PosixCallException {
        int fd = Libc.openat(dirfd, cString(name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                PRIVATE_FILE_MODE);
        if (fd < 0) {
            throw error("create", path);
        }
        return fd;
    }

    static void symlink(byte[] target, int dirfd, byte[] name, String path) throws PosixCallException {
        if (Libc.symlinkat(cString(target), dirfd, cString(name)) != 0) {
            throw error("create symlink", path);
        }
    }

    /** mknod(2): {@code mode} holds the S_IF* type; the permission bits are set later. */
    static void makeNode(int dirfd, byte[] name, int mode, long dev, String path) throws PosixCallException {
        if (Libc.mknodat(dirfd, cString(name), mode, dev) != 0) {
            throw error("create node", path);
        }
    }

    /** A hard link; flags 0, so a symlink at {@code from} is linked itself, never followed. */
    static void link(int fromDir, byte[] fromName, int toDir, byte[] toName, String path) throws PosixCallException {
        if (Libc.linkat(fromDir, cString(fromName), toDir, cString(toName), 0) != 0) {
            throw error("create hard link", path);
        }
    }

    static void rename(int fromDir, byte[] fromName, int toDir, byte[] toName, String path) throws PosixCallException {
        if (Libc.renameat(fromDir, cString(fromName), toDir, cString(toName)) != 0) {
            throw error("rename the extracted tree to", path);
        }
    }

    static void close(int fd) {
        Libc.close(fd);
    }

    static void chown(int fd, long uid, long gid, String path) throws PosixCallException {
        if (Libc.fchown(fd, (int) uid, (int) gid) != 0) {
            throw error("set the owner of", path);
        }
    }

    static void chownNoFollow(int dirfd, byte[] name, long uid, long gid, String path) throws PosixCallException {
        if (Libc.fchownat(dirfd, cString(name), (int) uid, (int) gid, AT_SYMLINK_NOFOLLOW) != 0) {
            throw error("set the owner of", path);
        }
    }

    /** fchmod, or -errno when it fails (the caller may retry without the sticky bit). */
    static int chmod(int fd, int mode) {
        return Libc.fchmod(fd, mode) == 0 ? 0 : -Native.getLastError();
    }

    /**
     * fchmodat without AT_SYMLINK_NOFOLLOW (Linux does not support it): only for nodes this extraction has
     * just created, never for a name that could be a symlink.
     */
    static int chmodNode(int dirfd, byte[] name, int mode) {
        return Libc.fchmodat(dirfd, cString(name), mode, 0) == 0 ? 0 : -Native.getLastError();
    }

    static PosixCallException chmodError(int negErrno, String path) {
        return new PosixCallException("cannot set the mode of " + path + ": " + Libc.strerror(-negErrno), -negErrno);
    }

    static void setTimes(int fd, long mtime, String path) throws PosixCallException {
        if (Libc.futimens(fd, new long[] {mtime, 0, mtime, 0}) != 0) {
            throw error("set the times of", path);
        }
    }

    static void setTimesNoFollow(int dirfd, byte[] name, long mtime, String path) throws PosixCallException {
        if (Libc.utimensat(dirfd, cString(name), new long[] {mtime, 0, mtime, 0}, AT_SYMLINK_NOFOLLOW) != 0) {
            throw error("set the times of", path);
        }
    }

    /** fsetxattr, or -errno when it fails. */
    static int setXattr(int fd, byte[] name, byte[] value) {
        return Libc.fsetxattr(fd, cString(name), value, value.length, 0) == 0 ? 0 : -Native.getLastError();
    }

    /**
     * lsetxattr on {@code name} in {@code dirfd}, for entries that cannot be opened (symlinks, devices,
     * fifos, sockets): the path goes through /proc/self/fd, whose link is the directory itself, and the
     * last component is not followed.
     */
    static int setXattrNoFollow(int dirfd, byte[] name, byte[] xattrName, byte[] value) {
        byte[] dir = ("/proc/self/fd/" + dirfd + "/").getBytes(StandardCharsets.US_ASCII);
        byte[] path = new byte[dir.length + name.length + 1];
        System.arraycopy(dir, 0, path, 0, dir.length);
        System.arraycopy(name, 0, path, dir.length, name.length);
        return Libc.lsetxattr(path, cString(xattrName), value, value.length, 0) == 0 ? 0 : -Native.getLastError();
    }

    static PosixCallException xattrError(int negErrno, String xattr, String path) {
        return new PosixCallException("cannot set xattr " + xattr + " on " + path + ": " + Libc.strerror(-negErrno),
                -negErrno);
    }

    /** Writes all {@code count} bytes at {@code buf} to {@code fd} at {@code offset}. */
    static void writeFully(int fd, Pointer buf, long count, long offset, String path) throws PosixCallException {
        long done = 0;
        while (done < count) {
            long n = Libc.pwrite(fd, buf.share(done), count - done, offset + done);
            if (n < 0) {
                if (Native.getLastError() == Libc.EINTR) {
                    continue;
                }
                throw error("write", path);
            }
            if (n == 0) {
                throw new PosixCallException("cannot write " + path + ": pwrite wrote nothing at byte "
                        + (offset + done), 0);
            }
            done += n;
        }
    }

    static void truncate(int fd, long size, String path) throws PosixCallException {
        if (Libc.ftruncate(fd, size) != 0) {
            throw error("set the size of", path);
        }
    }

    static boolean isRoot() {
        return Libc.geteuid() == 0;
    }

    /** unlinkat, or -errno when it fails. */
    static int unlink(int dirfd, byte[] name, int flags) {
        return Libc.unlinkat(dirfd, cString(name), flags) == 0 ? 0 : -Native.getLastError();
    }

    /**
     * The names in the directory open at {@code dirfd}, without "." and "..". It reads through a descriptor
     * of its own (readdir's stream owns and closes it), so {@code dirfd} stays open and untouched.
     */
    static List<byte[]> list(int dirfd, String path) throws PosixCallException {
        int fd = Libc.openat(dirfd, cString(new byte[] {'.'}), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0) {
            throw error("open directory", path);
        }
        Pointer dir = Libc.fdopendir(fd);
        if (dir == null) {
            PosixCallException e = error("read directory", path);
            Libc.close(fd);
            throw e;
        }
        try {
            List<byte[]> names = new ArrayList<>();
            for (Pointer ent = Libc.readdir(dir); ent != null; ent = Libc.readdir(dir)) {
                // indexOf counts from the offset it is given: the name's length
                int len = (int) ent.indexOf(Libc.DIRENT_NAME_OFFSET, (byte) 0);
                byte[] name = ent.getByteArray(Libc.DIRENT_NAME_OFFSET, len);
                if (!EntryName.isDotOrDotDot(name)) {
                    names.add(name);
                }
            }
            return names;
        } finally {
            Libc.closedir(dir);
        }
    }
}
