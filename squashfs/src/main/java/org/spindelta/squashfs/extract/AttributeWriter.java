package org.spindelta.squashfs.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.spindelta.squashfs.format.Xattr;

/**
 * Applies {@link Attributes} to extracted files, in the order that keeps them all: owner first (chown
 * clears setuid, setgid and security.capability), then the mode, then xattrs, then the times. Files and
 * directories are reached through their own descriptor; symlinks, devices, fifos and sockets by name in
 * their directory without following the name.
 *
 * <p>As root everything is applied. As an ordinary user it does what unsquashfs 4.5.1 does without
 * root: owners are left as they are, setuid and setgid bits are dropped (the file now belongs to whoever
 * extracts it), a sticky bit the file system refuses (EPERM) is dropped, and only "user." xattrs are
 * written. When the file system does not support xattrs at all (EOPNOTSUPP), xattrs are skipped from
 * then on, as unsquashfs does. What was left out is counted for {@link #notes()}.
 *
 * <p>Thread-safe: writer threads apply file attributes concurrently.
 */
final class AttributeWriter {
    private static final byte[] USER_PREFIX = {'u', 's', 'e', 'r', '.'};
    private static final int SET_ID_BITS = 06000;
    private static final int STICKY_BIT = 01000;

    /** Sets one xattr on some file; returns 0 or -errno. */
    @FunctionalInterface
    private interface XattrSetter {
        int set(byte[] name, byte[] value);
    }

    private final boolean privileged;
    private volatile boolean xattrsUnsupported;
    private final LongAdder setIdDropped = new LongAdder();
    private final LongAdder stickyDropped = new LongAdder();
    private final LongAdder xattrsNotUser = new LongAdder();
    private final LongAdder xattrsNotSupported = new LongAdder();

    AttributeWriter(boolean privileged) {
        this.privileged = privileged;
    }

    boolean privileged() {
        return privileged;
    }

    /** All attributes of a regular file open at {@code fd}, once its data is written. */
    void file(int fd, Attributes a, String path) throws PosixCallException {
        if (privileged) {
            PosixCalls.chown(fd, a.uid(), a.gid(), path);
        }
        int mode = mode(a);
        int r = PosixCalls.chmod(fd, mode);
        if (r == -Libc.EPERM && retrySticky(mode)) {
            r = PosixCalls.chmod(fd, mode & ~STICKY_BIT);
        }
        if (r != 0) {
            throw PosixCalls.chmodError(r, path);
        }
        xattrs(a.xattrs(), path, (n, v) -> PosixCalls.setXattr(fd, n, v));
        PosixCalls.setTimes(fd, a.mtime(), path);
    }

    /** What a directory gets when created: owner and xattrs (neither stops it from being filled). */
    void directoryCreated(int fd, Attributes a, String path) throws PosixCallException {
        if (privileged) {
            PosixCalls.chown(fd, a.uid(), a.gid(), path);
        }
        xattrs(a.xattrs(), path, (n, v) -> PosixCalls.setXattr(fd, n, v));
    }

    /**
     * What a directory gets once everything in it exists: its mode (which may forbid writing into it)
     * and its times (which every entry created in it would change).
     */
    void directoryFilled(int fd, Attributes a, String path) throws PosixCallException {
        int mode = mode(a);
        int r = PosixCalls.chmod(fd, mode);
        if (r == -Libc.EPERM && retrySticky(mode)) {
            r = PosixCalls.chmod(fd, mode & ~STICKY_BIT);
        }
        if (r != 0) {
            throw PosixCalls.chmodError(r, path);
        }
        PosixCalls.setTimes(fd, a.mtime(), path);
    }

    /** A device, fifo or socket just created as {@code name} in {@code dirfd}. */
    void node(int dirfd, byte[] name, Attributes a, String path) throws PosixCallException {
        if (privileged) {
            PosixCalls.chownNoFollow(dirfd, name, a.uid(), a.gid(), path);
        }
        int mode = mode(a);
        int r = PosixCalls.chmodNode(dirfd, name, mode);
        if (r == -Libc.EPERM && retrySticky(mode)) {
            r = PosixCalls.chmodNode(dirfd, name, mode & ~STICKY_BIT);
        }
        if (r != 0) {
            throw PosixCalls.chmodError(r, path);
        }
        xattrs(a.xattrs(), path, (n, v) -> PosixCalls.setXattrNoFollow(dirfd, name, n, v));
        PosixCalls.setTimesNoFollow(dirfd, name, a.mtime(), path);
    }

    /** A symlink just created as {@code name} in {@code dirfd}; Linux has no mode for symlinks. */
    void symlink(int dirfd, byte[] name, Attributes a, String path) throws PosixCallException {
        if (privileged) {
            PosixCalls.chownNoFollow(dirfd, name, a.uid(), a.gid(), path);
        }
        xattrs(a.xattrs(), path, (n, v) -> PosixCalls.setXattrNoFollow(dirfd, name, n, v));
        PosixCalls.setTimesNoFollow(dirfd, name, a.mtime(), path);
    }

    private int mode(Attributes a) {
        int mode = a.permissions();
        if (!privileged && (mode & SET_ID_BITS) != 0) {
            setIdDropped.increment();
            mode &= ~SET_ID_BITS;
        }
        return mode;
    }

    private boolean retrySticky(int mode) {
        if (privileged || (mode & STICKY_BIT) == 0) {
            return false;
        }
        stickyDropped.increment();
        return true;
    }

    private void xattrs(List<Xattr> xattrs, String path, XattrSetter setter) throws PosixCallException {
        for (Xattr x : xattrs) {
            if (!privileged && !isUser(x.name())) {
                xattrsNotUser.increment();
                continue;
            }
            if (xattrsUnsupported) {
                xattrsNotSupported.increment();
                continue;
            }
            int r = setter.set(x.name(), x.value());
            if (r == -Libc.EOPNOTSUPP) {
                xattrsUnsupported = true;
                xattrsNotSupported.increment();
            } else if (r != 0) {
                throw PosixCalls.xattrError(r, EntryName.printable(x.name()), path);
            }
        }
    }

    private static boolean isUser(byte[] name) {
        if (name.length < USER_PREFIX.length) {
            return false;
        }
        for (int i = 0; i < USER_PREFIX.length; i++) {
            if (name[i] != USER_PREFIX[i]) {
                return false;
            }
        }
        return true;
    }

    /** One line for each kind of attribute that was left out. */
    List<String> notes() {
        List<String> notes = new ArrayList<>();
        if (setIdDropped.sum() > 0) {
            notes.add("dropped setuid/setgid bits of " + setIdDropped.sum() + " files (not running as root)");
        }
        if (stickyDropped.sum() > 0) {
            notes.add("dropped the sticky bit of " + stickyDropped.sum() + " files (the file system refused it)");
        }
        if (xattrsNotUser.sum() > 0) {
            notes.add("skipped " + xattrsNotUser.sum() + " xattrs outside the user. namespace (not running as root)");
        }
        if (xattrsNotSupported.sum() > 0) {
            notes.add("skipped " + xattrsNotSupported.sum() + " xattrs (the destination file system does not support"
                    + " them)");
        }
        return notes;
    }
}
