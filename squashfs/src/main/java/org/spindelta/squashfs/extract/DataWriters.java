package org.spindelta.squashfs.extract;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.Progress;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.read.SquashfsImage;

/**
 * The writer threads and their bounded queue. The walk creates each regular file and hands it here;
 * its blocks are cut into {@link BlockRange}s of about {@link #TASK_BYTES}, small files are batched
 * into one task, and {@code threads} {@link DataWriter}s decode and write them with positional writes.
 *
 * <p>Memory stays a few blocks per thread whatever the image: tasks only name blocks, the queue holds
 * at most {@code 4 × threads} of them, and at most {@link #MAX_OPEN_FILES} files are open. The first
 * failure of any thread is kept; from then on the threads skip their work, the walk stops at its next
 * call, and that failure is what {@link #finish()} throws.
 */
final class DataWriters implements AutoCloseable {
    /**
     * Work per task: 1 MiB is one write call, and cuts a 100 MB file into 100 tasks, small enough to
     * balance two cores and large enough that queueing costs nothing beside decoding.
     */
    static final int TASK_BYTES = 1 << 20;
    /** Files batched into one task before it is handed over, unless they share the last one's fragment block. */
    static final int MAX_FILES_PER_TASK = 64;
    /**
     * Files in one task at most, even when they all share a fragment block. Ranges that end in a fragment
     * tail are batched apart from the others, and their batches end only where the fragment block changes
     * (consecutive files usually share one), so that each fragment block is decoded by one writer once, as
     * unsquashfs's fragment cache does, instead of once by every writer. Before they were apart, a large
     * file between two tails of one fragment block ended the batch there: on a Debian root image a quarter
     * of the fragment blocks were decoded twice.
     */
    static final int MAX_SHARING_FILES_PER_TASK = 2 * MAX_FILES_PER_TASK;
    /** Files open at once (created, not yet finished): well under the usual 1024-descriptor limit. */
    static final int MAX_OPEN_FILES = 256;
    /** Tasks queued per thread. */
    private static final int QUEUE_PER_THREAD = 4;
    private static final long POLL_MILLIS = 100;

    /** Tells a writer thread to stop. */
    static final List<BlockRange> END = new ArrayList<>(0);

    private final SquashfsImage image;
    private final int blockSize;
    private final AttributeWriter attributes;
    private final Progress progress;
    private final BlockingQueue<List<BlockRange>> queue;
    private final Thread[] threads;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Set<OutputFile> open = ConcurrentHashMap.newKeySet();
    private final Semaphore openPermits = new Semaphore(MAX_OPEN_FILES);
    /** Ranges ending in a fragment tail, in walk order: cut only between fragment blocks. */
    private final Batch tails = new Batch();
    /** Ranges of whole blocks only. */
    private final Batch blocks = new Batch();
    private boolean finished;

    DataWriters(SquashfsImage image, int threadCount, AttributeWriter attributes, Progress progress) {
        this.image = image;
        this.blockSize = image.superBlock().blockSize();
        this.attributes = attributes;
        this.progress = progress;
        this.queue = new ArrayBlockingQueue<>(QUEUE_PER_THREAD * threadCount);
        this.threads = new Thread[threadCount];
        for (int i = 0; i < threadCount; i++) {
            threads[i] = new Thread(new DataWriter(this), "spindelta-extract-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
    }

    SquashfsImage image() {
        return image;
    }

    BlockingQueue<List<BlockRange>> queue() {
        return queue;
    }

    AttributeWriter attributes() {
        return attributes;
    }

    Progress progress() {
        return progress;
    }

    /** True once any thread (or the walk) failed: writers skip the rest of their work. */
    boolean failed() {
        return failure.get() != null;
    }

    /** Records the first failure; later ones are dropped. */
    void fail(Throwable t) {
        failure.compareAndSet(null, t);
    }

    /**
     * Throws the first failure of a writer thread, so the walk stops at once.
     */
    void checkFailure() throws IOException {
        Throwable t = failure.get();
        if (t != null) {
            throw rethrown(t);
        }
    }

    /**
     * Creates {@code name} in {@code dirfd} as a new, empty file and queues its blocks.
     *
     * @throws PosixCallException if the name exists (in any form) or cannot be created
     * @throws CorruptInputException if its size does not fit a file
     */
    void add(int dirfd, byte[] name, String path, Inode.File inode, Attributes a) throws IOException {
        if (inode.size() < 0) {
            throw new CorruptInputException("\"" + path + "\" (file inode " + inode.header().inodeNumber() + "): size "
                    + Long.toUnsignedString(inode.size()) + " is larger than any file can be");
        }
        int blocks = inode.blockSizes().length;
        int perTask = Math.max(1, TASK_BYTES / blockSize);
        int ranges = Math.max(1, (blocks + perTask - 1) / perTask);
        acquireOpenPermit();
        OutputFile f;
        try {
            f = new OutputFile(PosixCalls.createFile(dirfd, name, path), inode, path, a, ranges);
        } catch (PosixCallException e) {
            openPermits.release();
            throw e;
        }
        open.add(f);
        long size = inode.size();
        for (int r = 0; r < ranges; r++) {
            int first = r * perTask;
            int end = Math.min(blocks, first + perTask);
            boolean last = r == ranges - 1;
            long start = (long) first * blockSize;
            long stop = last ? size : Math.min(size, (long) end * blockSize);
            queue(new BlockRange(f, first, end, last && inode.hasFragment(), stop - start));
        }
    }

    private void queue(BlockRange range) throws IOException {
        Batch b = range.tail() ? tails : blocks;
        if (b.bytes >= TASK_BYTES || b.ranges.size() >= MAX_FILES_PER_TASK) {
            BlockRange last = b.ranges.get(b.ranges.size() - 1);
            boolean sameFragment = range.tail()
                    && range.file().inode().fragmentIndex() == last.file().inode().fragmentIndex();
            if (!sameFragment || b.ranges.size() >= MAX_SHARING_FILES_PER_TASK) {
                submit(b);
            }
        }
        b.ranges.add(range);
        b.bytes += range.bytes();
    }

    /** Ranges gathered into one task. */
    private static final class Batch {
        List<BlockRange> ranges = new ArrayList<>();
        long bytes;
    }

    private void submitBatches() throws IOException {
        submit(blocks);
        submit(tails);
    }

    private void submit(Batch b) throws IOException {
        if (b.ranges.isEmpty()) {
            return;
        }
        List<BlockRange> task = b.ranges;
        b.ranges = new ArrayList<>();
        b.bytes = 0;
        try {
            while (!queue.offer(task, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                checkFailure();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("extraction interrupted");
        }
        checkFailure();
    }

    private void acquireOpenPermit() throws IOException {
        try {
            while (!openPermits.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                checkFailure();
                // the walk's own batches hold files too: hand them over so they can finish
                submitBatches();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("extraction interrupted");
        }
    }

    /** Called by a writer thread when it has finished {@code f}: closes it and lets the walk open another. */
    void closed(OutputFile f) {
        f.close();
        if (open.remove(f)) {
            openPermits.release();
        }
    }

    /**
     * Queues what is left, waits for the threads to write everything, and throws the first failure.
     */
    void finish() throws IOException {
        submitBatches();
        stopThreads();
        checkFailure();
    }

    private void stopThreads() {
        if (finished) {
            return;
        }
        finished = true;
        boolean interrupted = false;
        for (int i = 0; i < threads.length; i++) {
            // writers keep taking (and skipping, after a failure) until END, so this put always completes
            while (true) {
                try {
                    queue.put(END);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        for (OutputFile f : open) {
            f.close();
        }
        open.clear();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the threads without writing what is still queued (after a failure), and closes every file. */
    @Override
    public void close() {
        if (!finished) {
            fail(new SpindeltaException("extraction cancelled"));
            tails.ranges.clear();
            blocks.ranges.clear();
            stopThreads();
        }
    }

    static IOException rethrown(Throwable t) {
        if (t instanceof IOException e) {
            return e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IOException(t);
    }
}
