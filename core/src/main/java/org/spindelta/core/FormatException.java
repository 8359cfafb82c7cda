package org.spindelta.core;

/** The input is not in the expected format at all (wrong magic, unknown container). */
public class FormatException extends SpindeltaException {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
        super(message);
    }
}
