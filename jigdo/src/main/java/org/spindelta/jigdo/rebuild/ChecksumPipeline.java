package org.spindelta.jigdo.rebuild;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.VerificationException;
import org.spindelta.jigdo.format.ChecksumKind;

/**
 * Checksums the image being built on a second thread, so reading, writing and hashing overlap: the
 * building thread fills a buffer, writes it out and hands it here; this thread adds it to the image's
 * digest (and to the current part's), checks each part's checksum at its end and returns the buffer
 * to the pool. With {@value #BUFFERS} buffers of {@value #BUFFER_SIZE} bytes in flight, memory is 8 MiB.
 */
final class ChecksumPipeline implements AutoCloseable {
    static final int BUFFERS = 8;
    /** 1 MiB: large enough for sequential disk reads, small enough that eight overlap well. */
    static final int BUFFER_SIZE = 1 << 20;

    private sealed interface Task {}

    private record Chunk(byte[] buffer, int length, boolean part) implements Task {}

    private record PartEnd(byte[] expected, String what) implements Task {}

    private record Finish() implements Task {}

    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Task> tasks = new ArrayBlockingQueue<>(BUFFERS + 2);
    private final MessageDigest image;
    private final MessageDigest part;
    private final ChecksumKind kind;
    private final Thread worker;
    private volatile SpindeltaException failure;
    private volatile Throwable crash;
    private byte[] imageDigest;

    ChecksumPipeline(ChecksumKind kind) {
        this.kind = kind;
        this.image = kind.newDigest();
        this.part = kind.newDigest();
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[BUFFER_SIZE]);
        }
        worker = new Thread(this::work, "jigdo-checksum");
        worker.setDaemon(true);
        worker.start();
    }

    /** A free buffer of {@value #BUFFER_SIZE} bytes; blocks while all are in flight. */
    byte[] take() throws SpindeltaException {
        check();
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpindeltaException("interrupted");
        }
    }

    /** Hashes {@code length} bytes of {@code buffer} into the image, and into the current part if {@code part}. */
    void submit(byte[] buffer, int length, boolean part) throws SpindeltaException {
        put(new Chunk(buffer, length, part));
    }

    /** The current part ends: its checksum must be {@code expected}; {@code what} names it in the error. */
    void endPart(byte[] expected, String what) throws SpindeltaException {
        put(new PartEnd(expected, what));
    }

    /**
     * Waits for all hashing and returns the image's checksum.
     *
     * @throws VerificationException if a part's checksum was wrong
     */
    byte[] finish() throws SpindeltaException {
        put(new Finish());
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpindeltaException("interrupted");
        }
        check();
        return imageDigest;
    }

    /** Throws the first failure the worker found. */
    void check() throws SpindeltaException {
        if (crash != null) {
            throw new IllegalStateException("checksum thread failed", crash);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void put(Task t) throws SpindeltaException {
        check();
        try {
            tasks.put(t);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpindeltaException("interrupted");
        }
    }

    private void work() {
        try {
            while (true) {
                Task t = tasks.take();
                if (t instanceof Chunk c) {
                    image.update(c.buffer(), 0, c.length());
                    if (c.part()) {
                        part.update(c.buffer(), 0, c.length());
                    }
                    free.add(c.buffer());
                } else if (t instanceof PartEnd e) {
                    byte[] got = part.digest();
                    if (!Arrays.equals(got, e.expected()) && failure == null) {
                        failure = new VerificationException(e.what() + " has " + kind.label() + " "
                                + org.spindelta.core.Sha256.hex(got) + " but the template wants "
                                + org.spindelta.core.Sha256.hex(e.expected()));
                    }
                } else {
                    imageDigest = image.digest();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            crash = e;
            free.clear();
            for (int i = 0; i < BUFFERS; i++) {
                free.add(new byte[0]); // unblock take(); check() then reports the crash
            }
        }
    }

    @Override
    public void close() {
        worker.interrupt();
    }
}
