package org.spindelta.jigdo.fetch;

import org.spindelta.core.SpindeltaException;

/**
 * One download failed: the server's status, a connection error or timeout, a length or range that is not
 * the one asked for, or a checksum mismatch. {@link #isFinal()} says whether trying the same mirror
 * again is pointless (a 404 stays a 404).
 */
public final class FetchException extends SpindeltaException {
    private static final long serialVersionUID = 1L;
    private final boolean isFinal;

    public FetchException(String message, boolean isFinal) {
        super(message);
        this.isFinal = isFinal;
    }

    public FetchException(String message, Throwable cause) {
        super(message, cause);
        this.isFinal = false;
    }

    public boolean isFinal() {
        return isFinal;
    }
}
