package org.spindelta.bsdiff.apply;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Decodes a stream on a thread of its own, {@link #DEPTH} buffers ahead of the reader. BSDIFF40
 * keeps its diff and extra bytes in two bzip2 streams; decoding them beside the thread that adds
 * and writes takes bzip2 off the critical path (bspatch decodes all three streams in one thread).
 * Buffers are reused; whatever the source throws is thrown to the reader, unchanged, at the point
 * where it happened in the stream.
 */
final class ReadAheadStream extends InputStream {
    static final int BUFFER = 1 << 20;
    static final int DEPTH = 3;
    private static final Chunk END = new Chunk(new byte[0], -1, null);

    private record Chunk(byte[] data, int length, IOException failure) {}

    private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(DEPTH + 2);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(DEPTH + 2);
    private final InputStream source;
    private final Thread worker;
    private Chunk current;
    private int pos;

    ReadAheadStream(InputStream source, String name) {
        this.source = source;
        for (int i = 0; i < DEPTH + 1; i++) {
            free.add(new byte[BUFFER]);
        }
        worker = new Thread(this::fill, name);
        worker.setDaemon(true);
        worker.start();
    }

    private void fill() {
        try {
            while (true) {
                byte[] b = free.take();
                int n;
                try {
                    n = source.readNBytes(b, 0, b.length);
                } catch (IOException e) {
                    filled.put(new Chunk(b, 0, e));
                    return;
                }
                if (n > 0) {
                    filled.put(new Chunk(b, n, null));
                }
                if (n < b.length) {
                    filled.put(END);
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed by the reader
        }
    }

    private boolean advance() throws IOException {
        if (current == END) {
            return false;
        }
        if (current != null) {
            free.add(current.data());
        }
        try {
            current = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading ahead");
        }
        pos = 0;
        if (current.failure() != null) {
            IOException f = current.failure();
            current = END;
            throw f;
        }
        return current != END;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || (current != END && pos == current.length())) {
            if (!advance()) {
                return -1;
            }
        }
        if (current == END) {
            return -1;
        }
        int n = Math.min(len, current.length() - pos);
        System.arraycopy(current.data(), pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        worker.interrupt();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
