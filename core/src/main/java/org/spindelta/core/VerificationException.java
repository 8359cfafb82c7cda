package org.spindelta.core;

/**
 * A result or an input does not hash to the value recorded for it: a patch applied to the wrong
 * base, or a rebuild that came out different from what the patch promised.
 */
public class VerificationException extends SpindeltaException {
    private static final long serialVersionUID = 1L;

    public VerificationException(String message) {
        super(message);
    }
}
