package org.spindelta.core;

/**
 * The input claims the right format but a field is inconsistent, out of range, or the data ends
 * early; also used when a decompressor rejects a stream.
 */
public class CorruptInputException extends SpindeltaException {
    private static final long serialVersionUID = 1L;

    public CorruptInputException(String message) {
        super(message);
    }

    public CorruptInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
