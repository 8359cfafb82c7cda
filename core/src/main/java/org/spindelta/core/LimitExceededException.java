package org.spindelta.core;

/**
 * Honouring the input would exceed a limit the caller set (memory, size); carries the limit so a
 * caller can report or raise it.
 */
public class LimitExceededException extends SpindeltaException {
    private static final long serialVersionUID = 1L;
    private final long limit;
    private final long needed;

    public LimitExceededException(String message, long needed, long limit) {
        super(message);
        this.needed = needed;
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }

    public long needed() {
        return needed;
    }
}
