package org.spindelta.squashfs.spin;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs tasks on a pool and hands their results back in submission order, with at most {@code depth}
 * tasks in flight, so memory stays bounded by depth × the size of one result. The first failure is
 * rethrown from {@link #submit} or {@link #finish}; the pool is shut down on close.
 */
public final class OrderedPipeline<T> implements AutoCloseable {
    /** Receives results in order. */
    @FunctionalInterface
    public interface Sink<T> {
        void accept(T result) throws IOException;
    }

    private final ExecutorService pool;
    private final int depth;
    private final Sink<T> sink;
    private final Deque<Future<T>> inFlight = new ArrayDeque<>();

    public OrderedPipeline(String name, int threads, int depth, Sink<T> sink) {
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        this.depth = depth;
        this.sink = sink;
    }

    public void submit(Callable<T> task) throws IOException {
        while (inFlight.size() >= depth) {
            drainOne();
        }
        inFlight.add(pool.submit(task));
    }

    /** Waits for every task and hands over the remaining results. */
    public void finish() throws IOException {
        while (!inFlight.isEmpty()) {
            drainOne();
        }
    }

    private void drainOne() throws IOException {
        Future<T> f = inFlight.poll();
        try {
            sink.accept(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }

    /**
     * Cancels what is queued and waits for the tasks already running to end: their callers close native
     * codecs right after this, and a codec freed under a running task would crash the JVM (seen as a SIGSEGV
     * in libc when a pool get failed on a damaged chunk while other threads were still encoding).
     */
    @Override
    public void close() {
        inFlight.forEach(f -> f.cancel(true));
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(CLOSE_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("pipeline tasks still running " + CLOSE_WAIT_SECONDS
                        + " s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A task is one block or piece: seconds at worst on a loaded machine. */
    private static final int CLOSE_WAIT_SECONDS = 120;
}
