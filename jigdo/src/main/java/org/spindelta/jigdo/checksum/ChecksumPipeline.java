package org.spindelta.jigdo.checksum;

import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.spindelta.core.SpindeltaException;
import org.spindelta.jigdo.format.ChecksumKind;

/**
 * Checksums an image being built or read on two more threads, so reading, writing and hashing overlap: the
 * building thread fills a buffer, writes it out and hands it here; one thread adds it to the image's
 * digest, another, for bytes submitted as part bytes, to the current part's, handing each part's checksum
 * back at its end (make-template: every matched byte is hashed twice, once for its part and once for the
 * image, which is why one hashing thread was the bottleneck). A buffer returns to the pool when both are
 * done with it. With {@value #BUFFERS} buffers of {@value #BUFFER_SIZE} bytes in flight, memory is 16 MiB.
 */
public final class ChecksumPipeline implements AutoCloseable {
    public static final int BUFFERS = 16;
    /** 1 MiB: large enough for sequential disk reads, small enough that several overlap well. */
    public static final int BUFFER_SIZE = 1 << 20;

    private sealed interface Task {}

    /** {@code users} counts the threads still to hash it; the last one frees the buffer. */
    private record Chunk(byte[] buffer, int length, AtomicInteger users) implements Task {}

    private record PartEnd() implements Task {}

    private record Finish() implements Task {}

    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Task> imageTasks = new ArrayBlockingQueue<>(BUFFERS + 2);
    private final BlockingQueue<Task> partTasks = new ArrayBlockingQueue<>(2 * BUFFERS + 2);
    private final Thread imageWorker;
    private final Thread partWorker;
    private volatile Throwable crash;
    private volatile byte[] imageDigest;
    /** Checksums of parts ended by {@link #endPart()}, handed from the part thread to the caller. */
    private final BlockingQueue<byte[]> partDigests = new ArrayBlockingQueue<>(1);

    public ChecksumPipeline(ChecksumKind kind) {
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[BUFFER_SIZE]);
        }
        imageWorker = start("jigdo-image-checksum", () -> hashImage(kind.newDigest()));
        partWorker = start("jigdo-part-checksum", () -> hashParts(kind.newDigest()));
    }

    private Thread start(String name, Runnable work) {
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (RuntimeException | Error e) {
                crash = e;
                free.clear();
                for (int i = 0; i < BUFFERS; i++) {
                    free.add(new byte[0]); // unblock take(); check() then reports the crash
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** A free buffer of {@value #BUFFER_SIZE} bytes; blocks while all are in flight. */
    public byte[] take() throws SpindeltaException {
        check();
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpindeltaException("interrupted");
        }
    }

    /** Hashes {@code length} bytes of {@code buffer} into the image, and into the current part if {@code part}. */
    public void submit(byte[] buffer, int length, boolean part) throws SpindeltaException {
        Chunk c = new Chunk(buffer, length, new AtomicInteger(part ? 2 : 1));
        if (part) {
            put(partTasks, c);
        }
        put(imageTasks, c);
    }

    /**
     * The current part ends: waits until it is hashed and returns its checksum (the image's hashing goes on
     * meanwhile on its own thread).
     */
    public byte[] endPart() throws SpindeltaException {
        put(partTasks, new PartEnd());
        try {
            while (true) {
                byte[] d = partDigests.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (d != null) {
                    return d;
                }
                check();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpindeltaException("interrupted");
        }
    }

    /**
     * Waits for all hashing and returns the image's checksum.
     */
    public byte[] finish() throws SpindeltaException {
        put(partTasks, new Finish());
        put(imageTasks, new Finish());
        try {
            partWorker.join();
            imageWorker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpindeltaException("interrupted");
        }
        check();
        return imageDigest;
    }

    /** Throws if a hashing thread failed. */
    public void check() throws SpindeltaException {
        if (crash != null) {
            throw new IllegalStateException("checksum thread failed", crash);
        }
    }

    private void put(BlockingQueue<Task> queue, Task t) throws SpindeltaException {
        check();
        try {
            queue.put(t);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpindeltaException("interrupted");
        }
    }

    private void release(Chunk c) {
        if (c.users().decrementAndGet() == 0) {
            free.add(c.buffer());
        }
    }

    private void hashImage(MessageDigest image) {
        try {
            for (Task t = imageTasks.take(); !(t instanceof Finish); t = imageTasks.take()) {
                Chunk c = (Chunk) t;
                image.update(c.buffer(), 0, c.length());
                release(c);
            }
            imageDigest = image.digest();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void hashParts(MessageDigest part) {
        try {
            for (Task t = partTasks.take(); !(t instanceof Finish); t = partTasks.take()) {
                if (t instanceof Chunk c) {
                    part.update(c.buffer(), 0, c.length());
                    release(c);
                } else if (t instanceof PartEnd) {
                    partDigests.add(part.digest());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the hashing threads (after {@link #finish} they have ended already). */
    @Override
    public void close() {
        imageWorker.interrupt();
        partWorker.interrupt();
    }
}
