package org.spindelta.squashfs.extract;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.spindelta.squashfs.format.Inode;

/**
 * A regular file created by the walk and open for writing until its last {@link BlockRange} is written;
 * whichever writer thread finishes that range sets the size and attributes and closes it.
 */
final class OutputFile {
    private final int fd;
    private final Inode.File inode;
    private final String path;
    private final Attributes attributes;
    private final boolean sparse;
    private final AtomicInteger rangesLeft;
    private final AtomicBoolean closed = new AtomicBoolean();

    OutputFile(int fd, Inode.File inode, String path, Attributes attributes, int ranges) {
        this.fd = fd;
        this.inode = inode;
        this.path = path;
        this.attributes = attributes;
        boolean holes = false;
        for (int size : inode.blockSizes()) {
            holes |= size == 0;
        }
        this.sparse = holes;
        this.rangesLeft = new AtomicInteger(ranges);
    }

    int fd() {
        return fd;
    }

    Inode.File inode() {
        return inode;
    }

    /** Printable path inside the output, for messages. */
    String path() {
        return path;
    }

    Attributes attributes() {
        return attributes;
    }

    /** Some block is sparse: left as a hole, so the size must be set explicitly at the end. */
    boolean sparse() {
        return sparse;
    }

    /** Counts one range as written; true for the last one. */
    boolean rangeWritten() {
        return rangesLeft.decrementAndGet() == 0;
    }

    /** Closes the descriptor once; later calls do nothing (its number may already belong to another file). */
    void close() {
        if (closed.compareAndSet(false, true)) {
            PosixCalls.close(fd);
        }
    }
}
