package org.spindelta.core;

/** The input is valid but uses a feature or version this build does not handle. */
public class UnsupportedFormatException extends SpindeltaException {
    private static final long serialVersionUID = 1L;

    public UnsupportedFormatException(String message) {
        super(message);
    }
}
