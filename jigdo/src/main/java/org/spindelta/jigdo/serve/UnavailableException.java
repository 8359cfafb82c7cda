package org.spindelta.jigdo.serve;

import org.spindelta.core.SpindeltaException;

/**
 * A resource cannot be served now (parts missing or failing their checksums, its files changed since the
 * server started); the server answers 503 with the message, before sending any of the body.
 */
public final class UnavailableException extends SpindeltaException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message) {
        super(message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
