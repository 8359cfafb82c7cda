package org.spindelta.squashfs.extract;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc calls extraction makes, bound with JNA direct mapping. Java 17 cannot create device nodes,
 * set xattrs outside the user namespace, or work relative to a directory descriptor on raw byte names;
 * these calls do all three. Every name argument is a NUL-terminated byte array ({@link #cString}).
 *
 * <p>Linux only, on the 64-bit ABIs whose constants are below (their time_t, size_t and dev_t are 64
 * bits, and glibc's struct dirent puts d_name at byte 19). Each call returns -1 on failure and leaves
 * errno for {@link Native#getLastError()}, which JNA saves per thread after every call.
 */
final class Libc {
    /** Why extraction cannot run here, or null when it can. */
    static final String UNSUPPORTED;

    // open(2) flags: asm-generic values; arm64 and powerpc swap O_DIRECTORY and O_NOFOLLOW.
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 01;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_CLOEXEC = 02000000;
    static final int O_DIRECTORY;
    static final int O_NOFOLLOW;

    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_REMOVEDIR = 0x200;

    // errno values (asm-generic/errno-base.h and errno.h, the same on every architecture above)
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EEXIST = 17;
    static final int EISDIR = 21;
    static final int ENOTEMPTY = 39;
    static final int EOPNOTSUPP = 95;

    // st_mode file types (the same as SquashFS's inode types' mode bits)
    static final int S_IFIFO = 0010000;
    static final int S_IFCHR = 0020000;
    static final int S_IFBLK = 0060000;
    static final int S_IFSOCK = 0140000;

    /** Offset of d_name in glibc's 64-bit struct dirent: d_ino (8) + d_off (8) + d_reclen (2) + d_type (1). */
    static final int DIRENT_NAME_OFFSET = 19;

    static {
        String why = null;
        int directory = 0200000;
        int noFollow = 0400000;
        if (!Platform.isLinux()) {
            why = "extraction needs Linux (this is " + System.getProperty("os.name") + ")";
        } else {
            switch (Platform.ARCH) {
                case "x86-64", "riscv64" -> { }
                case "aarch64", "ppc64le" -> {
                    directory = 040000;
                    noFollow = 0100000;
                }
                default -> why = "extraction supports Linux on x86-64, aarch64, riscv64 and ppc64le, not "
                        + Platform.ARCH;
            }
        }
        O_DIRECTORY = directory;
        O_NOFOLLOW = noFollow;
        if (why == null) {
            try {
                Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
            } catch (LinkageError | RuntimeException e) {
                // no libjnidispatch for this platform, or a temp directory it cannot be loaded from (noexec)
                why = "cannot load the C library through JNA: " + e.getMessage();
            }
        }
        UNSUPPORTED = why;
    }

    private Libc() {}

    /** {@code bytes} followed by the NUL C expects. */
    static byte[] cString(byte[] bytes) {
        byte[] c = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, c, 0, bytes.length);
        return c;
    }

    static native int open(byte[] path, int flags, int mode);

    static native int openat(int dirfd, byte[] path, int flags, int mode);

    static native int close(int fd);

    static native int mkdirat(int dirfd, byte[] path, int mode);

    static native int symlinkat(byte[] target, int newdirfd, byte[] linkpath);

    static native int mknodat(int dirfd, byte[] path, int mode, long dev);

    static native int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags);

    static native int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath);

    static native int unlinkat(int dirfd, byte[] path, int flags);

    static native int fchown(int fd, int uid, int gid);

    static native int fchownat(int dirfd, byte[] path, int uid, int gid, int flags);

    static native int fchmod(int fd, int mode);

    static native int fchmodat(int dirfd, byte[] path, int mode, int flags);

    /** {@code times}: atime seconds, nanoseconds, mtime seconds, nanoseconds (two struct timespec). */
    static native int futimens(int fd, long[] times);

    static native int utimensat(int dirfd, byte[] path, long[] times, int flags);

    static native int fsetxattr(int fd, byte[] name, byte[] value, long size, int flags);

    static native int lsetxattr(byte[] path, byte[] name, byte[] value, long size, int flags);

    static native long pwrite(int fd, Pointer buf, long count, long offset);

    static native int ftruncate(int fd, long length);

    static native int geteuid();

    static native Pointer fdopendir(int fd);

    static native Pointer readdir(Pointer dir);

    static native int closedir(Pointer dir);

    static native String strerror(int errnum);
}
