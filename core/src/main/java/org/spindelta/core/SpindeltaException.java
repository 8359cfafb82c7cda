package org.spindelta.core;

import java.io.IOException;

/**
 * Root of spindelta's checked exception family. Every subclass carries a message that can be printed
 * to a user on one line: it names the field or file, the bad value and, where one applies, the
 * allowed range and the byte offset.
 */
public class SpindeltaException extends IOException {
    private static final long serialVersionUID = 1L;

    public SpindeltaException(String message) {
        super(message);
    }

    public SpindeltaException(String message, Throwable cause) {
        super(message, cause);
    }
}
