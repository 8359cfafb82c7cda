package org.spindelta.squashfs.pool;

import java.io.IOException;

/**
 * The files of a pool as a reader sees them, wherever they are (a directory, an HTTP server): paths are
 * relative to the pool's root, e.g. {@code images/base.recipe}.
 */
public interface PoolFiles extends AutoCloseable {
    /** The pool's location, for messages. */
    String location();

    /**
     * A whole file of at most {@code max} bytes.
     *
     * @throws org.spindelta.core.SpindeltaException if it does not exist or is larger
     */
    byte[] read(String path, long max) throws IOException;

    /** Exactly {@code length} bytes at {@code offset} of a file. */
    byte[] readRange(String path, long offset, int length) throws IOException;

    @Override
    void close() throws IOException;
}
