package org.spindelta.core;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * SHA-256 of a file region, computed on its own thread while the apply reads (or writes) the same
 * region, never more than a lead past the place the apply has {@link #reached reached}: an input's
 * hash (OLD, BASE) a little ahead of the apply's reads, an output's exactly behind what is complete.
 *
 * <p>Why: hashing OLD in a pass of its own before applying reads OLD twice, and on a machine whose
 * page cache cannot hold OLD and NEW together (a 4.4 GB pair on a VM that caches ~7 GB) the second
 * read comes from the disk again (and a NEW written by windows, hashed afterwards, is read back
 * too). Kept a short lead ahead of the apply, the hash's reads are the apply's read-ahead, and the
 * apply finds OLD's pages in the cache. Where the apply stops reading (a stretch of NEW made only of
 * extra bytes), the hash waits; {@link #await} releases it for the rest of the region.
 *
 * <p>An input is hashed through a channel of its own ({@link #ofFile}): the apply's pools cancel their
 * tasks with interrupts when one fails, and an interrupt during a read closes the channel it was
 * reading (FileChannel is interruptible), which would take the hash, and with it the message that
 * the input is the wrong one, along. What is verified does not rest on the two channels being the
 * same file: every output is checked against its own recorded SHA-256 as well. This thread itself is
 * never interrupted; {@link #close} asks it to stop between reads.
 */
public final class TrailingSha256 implements AutoCloseable {
    /** How far past the apply's position an input's hash may read: read-ahead, but far inside any page cache. */
    public static final long INPUT_LEAD = 64L << 20;
    private static final int READ = 1 << 20;

    private final FileChannel channel;
    private final boolean ownsChannel;
    private final long length;
    private final String what;
    private final long lead;
    private final Object lock = new Object();
    private volatile long frontier;
    private boolean stopped; // guarded by lock
    private byte[] digest; // guarded by lock
    private IOException failure; // guarded by lock
    private boolean done; // guarded by lock

    /**
     * Starts hashing {@code channel}'s first {@code length} bytes, at most {@code lead} bytes past what the apply
     * has reached (0 for an output: only what is written); {@code what} names it in errors and the thread.
     */
    public TrailingSha256(FileChannel channel, long length, long lead, String what) {
        this(channel, false, length, lead, what);
    }

    /** Starts hashing {@code file}'s first {@code length} bytes through a channel of its own (see above). */
    public static TrailingSha256 ofFile(Path file, long length, long lead, String what) throws IOException {
        return new TrailingSha256(FileChannel.open(file, StandardOpenOption.READ), true, length, lead, what);
    }

    private TrailingSha256(FileChannel channel, boolean ownsChannel, long length, long lead, String what) {
        this.channel = channel;
        this.ownsChannel = ownsChannel;
        this.length = length;
        this.lead = lead;
        this.what = what;
        Thread t = new Thread(this::run, "sha256-" + what);
        t.setDaemon(true);
        t.start();
    }

    /** The apply has used (or written) the region up to {@code position}: the hash may read up to it plus the lead. */
    public void reached(long position) {
        long f = position > Long.MAX_VALUE - lead ? Long.MAX_VALUE : position + lead;
        if (f > frontier) {
            synchronized (lock) {
                if (f > frontier) {
                    frontier = f;
                    lock.notifyAll();
                }
            }
        }
    }

    /** Lets the hash read the rest of the region, waits for it and returns the digest. */
    public byte[] await() throws IOException {
        reached(Long.MAX_VALUE);
        synchronized (lock) {
            while (!done) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while hashing " + what);
                }
            }
            if (failure != null) {
                throw failure;
            }
            return digest.clone();
        }
    }

    /**
     * After the apply failed with {@code failure}: the digest, so that the caller can tell a wrong input from
     * what the wrong bytes made fail; or null if the hash failed too (its error is added to {@code failure}).
     */
    public byte[] awaitAfter(Exception failure) {
        try {
            return await();
        } catch (IOException e) {
            failure.addSuppressed(e);
            return null;
        }
    }

    /** Stops the hash between two reads if it is still running; the digest is then never made. */
    @Override
    public void close() {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
    }

    private void run() {
        MessageDigest md = Sha256.newDigest();
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(READ, Math.max(1, length)));
        long pos = 0;
        try {
            while (pos < length) {
                long allowed;
                synchronized (lock) {
                    while (!stopped && frontier <= pos) {
                        lock.wait();
                    }
                    if (stopped) {
                        finish(null, null);
                        return;
                    }
                    allowed = Math.min(frontier, length);
                }
                while (pos < allowed) {
                    buf.clear();
                    buf.limit((int) Math.min(buf.capacity(), allowed - pos));
                    int n = channel.read(buf, pos);
                    if (n < 0) {
                        throw new CorruptInputException(what + " ended at byte " + pos + " although it was " + length
                                + " bytes when opened");
                    }
                    buf.flip();
                    md.update(buf);
                    pos += n;
                }
            }
            finish(md.digest(), null);
        } catch (IOException e) {
            finish(null, e);
        } catch (InterruptedException e) {
            finish(null, new InterruptedIOException("interrupted while hashing " + what));
        } finally {
            if (ownsChannel) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // read-only: nothing is lost
                }
            }
        }
    }

    private void finish(byte[] d, IOException e) {
        synchronized (lock) {
            digest = d;
            failure = e != null || d != null ? e : new InterruptedIOException("hashing " + what + " was stopped");
            done = true;
            lock.notifyAll();
        }
    }
}
