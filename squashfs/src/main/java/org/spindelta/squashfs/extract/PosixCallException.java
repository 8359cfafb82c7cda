package org.spindelta.squashfs.extract;

import org.spindelta.core.SpindeltaException;

/**
 * A libc call failed while extracting: the message names the call's purpose, the path inside the
 * output directory and strerror's text, on one line ("cannot create usr/bin/ls: File exists").
 */
public final class PosixCallException extends SpindeltaException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    PosixCallException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The errno the call left. */
    public int errno() {
        return errno;
    }
}
