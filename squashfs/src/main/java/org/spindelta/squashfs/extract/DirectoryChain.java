package org.spindelta.squashfs.extract;

import java.util.Arrays;

/**
 * Open descriptors of the directories on one path below the output root, so that entries are created
 * with *at() calls relative to their own directory. Moving to another directory closes what is no
 * longer on its path and opens the rest one component at a time with O_NOFOLLOW | O_DIRECTORY: no
 * path string is ever resolved by the kernel, so a symlink (extracted or planted) can never redirect a
 * write. Depth-first use keeps this a stack; at most {@code depth} descriptors are open.
 *
 * <p>Not thread-safe; the root descriptor stays the caller's.
 */
final class DirectoryChain implements AutoCloseable {
    private final int rootFd;
    private OutputDirectory[] dirs = new OutputDirectory[16];
    private int[] fds = new int[16];
    /** dirs[i] (at depth i + 1) is open as fds[i], for i below size. */
    private int size;

    DirectoryChain(int rootFd) {
        this.rootFd = rootFd;
    }

    /**
     * A descriptor of {@code dir}, valid until the next call or {@link #close()}.
     *
     * @throws PosixCallException if a directory on the way cannot be opened (or is no longer a directory)
     */
    int fd(OutputDirectory dir) throws PosixCallException {
        int depth = dir.depth();
        if (depth == 0) {
            return rootFd;
        }
        if (size >= depth && dirs[depth - 1] == dir) {
            closeFrom(depth);
            return fds[depth - 1];
        }
        OutputDirectory[] path = new OutputDirectory[depth];
        for (OutputDirectory d = dir; d.depth() > 0; d = d.parent()) {
            path[d.depth() - 1] = d;
        }
        int keep = 0;
        while (keep < size && keep < depth && dirs[keep] == path[keep]) {
            keep++;
        }
        closeFrom(keep);
        if (dirs.length < depth) {
            dirs = Arrays.copyOf(dirs, Math.max(depth, 2 * dirs.length));
            fds = Arrays.copyOf(fds, dirs.length);
        }
        for (int i = keep; i < depth; i++) {
            int parentFd = i == 0 ? rootFd : fds[i - 1];
            fds[i] = PosixCalls.openDirectory(parentFd, path[i].name(), path[i].path());
            dirs[i] = path[i];
            size = i + 1;
        }
        return fds[depth - 1];
    }

    private void closeFrom(int keep) {
        while (size > keep) {
            size--;
            PosixCalls.close(fds[size]);
            dirs[size] = null;
        }
    }

    @Override
    public void close() {
        closeFrom(0);
    }
}
