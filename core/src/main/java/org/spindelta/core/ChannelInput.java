package org.spindelta.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads a region of a file through positional reads, so several streams can read one channel at
 * different offsets at once (BSDIFF40 keeps three compressed streams in one patch file).
 */
public final class ChannelInput extends InputStream {
    private final FileChannel channel;
    private long position;
    private final long end;

    /** A stream over {@code [start, end)} of {@code channel}. */
    public ChannelInput(FileChannel channel, long start, long end) {
        this.channel = channel;
        this.position = start;
        this.end = end;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        long left = end - position;
        if (left <= 0) {
            return -1;
        }
        int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, left)), position);
        if (n < 0) {
            return -1;
        }
        position += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long k = Math.max(0, Math.min(n, end - position));
        position += k;
        return k;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, end - position));
    }

    /** Reads exactly {@code len} bytes of {@code channel} at {@code pos}, or fails naming the file. */
    public static void readFully(FileChannel channel, long pos, byte[] b, int off, int len, String what)
            throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        long p = pos;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, p);
            if (n < 0) {
                throw new CorruptInputException(what + " ends at byte " + p + ", needed " + len + " bytes from " + pos);
            }
            p += n;
        }
    }
}
