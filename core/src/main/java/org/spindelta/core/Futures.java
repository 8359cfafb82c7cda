package org.spindelta.core;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work done on other threads, with its failure surfacing as the I/O error it was. */
public final class Futures {
    private Futures() {}

    /**
     * The task's result. An {@link IOException} it threw (every {@link SpindeltaException} is one) is
     * rethrown as it is, so its one-line message reaches the user; anything else is wrapped in one.
     *
     * @throws InterruptedIOException if this thread is interrupted while waiting (its flag is set again)
     */
    public static <T> T join(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }
}
