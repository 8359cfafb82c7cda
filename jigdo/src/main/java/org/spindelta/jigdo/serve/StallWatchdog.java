package org.spindelta.jigdo.serve;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Frees the thread of a response whose client stopped reading. The JDK server writes response bodies with
 * blocking socket writes that have no timeout, so a client that vanished without a FIN, or keeps its window
 * shut, would hold a thread for as long as TCP lets it (hours). Handler threads mark each socket write
 * ({@link #beginWrite()}/{@link #endWrite()}, at most 64 KiB each); once a second this checks for a write in
 * progress longer than the timeout and interrupts its thread. The socket channel is interruptible: the write
 * fails with {@code ClosedByInterruptException} and the connection is closed. Only threads inside a write are
 * interrupted, and every file a response reads is opened for that response alone, so an interrupt can close
 * nothing shared.
 */
final class StallWatchdog implements AutoCloseable {
    private final Map<Thread, AtomicLong> writing = new ConcurrentHashMap<>();
    private final long timeoutNanos;
    private final Consumer<String> log;
    private final ScheduledExecutorService timer;

    StallWatchdog(Duration timeout, Consumer<String> log) {
        this.timeoutNanos = timeout.toNanos();
        this.log = log;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jigdo-serve-watchdog");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
        timer.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** The calling thread starts a socket write. */
    void beginWrite() {
        writing.computeIfAbsent(Thread.currentThread(), t -> new AtomicLong()).set(System.nanoTime() | 1);
    }

    /** The calling thread's write returned. */
    void endWrite() {
        AtomicLong since = writing.get(Thread.currentThread());
        if (since != null) {
            since.set(0);
        }
    }

    private void check() {
        long now = System.nanoTime();
        for (Map.Entry<Thread, AtomicLong> e : writing.entrySet()) {
            long since = e.getValue().get();
            if (since != 0 && now - since > timeoutNanos && e.getValue().compareAndSet(since, 0)) {
                e.getKey().interrupt();
                log.accept("cut a response whose client took no data for " + timeoutNanos / 1_000_000 + " ms");
            }
        }
        writing.keySet().removeIf(t -> !t.isAlive());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
