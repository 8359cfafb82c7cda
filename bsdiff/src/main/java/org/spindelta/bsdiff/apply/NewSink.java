package org.spindelta.bsdiff.apply;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;
import org.spindelta.core.StreamInput;

/**
 * Writes NEW sequentially to the staged output, hashing as it goes; also the place where diff
 * bytes are added to old bytes (bspatch.c's inner loop), over a reused buffer.
 */
final class NewSink {
    static final int BUFFER = 1 << 20;

    private final FileChannel out;
    private final MessageDigest sha;
    private final byte[] buf = new byte[BUFFER];
    private final byte[] oldBuf = new byte[BUFFER];
    private final Progress progress;
    private int fill;
    private long position;
    private long written;

    /** @param hash whether to hash what is written (sequential formats); windowed apply hashes the file afterwards */
    NewSink(FileChannel out, long startPosition, Progress progress, boolean hash) {
        this.out = out;
        this.sha = hash ? Sha256.newDigest() : null;
        this.position = startPosition;
        this.progress = progress;
    }

    /** Reads {@code len} diff bytes from {@code diff}, adds old[oldPos..] and appends the sum. */
    void addDiff(InputStream diff, OldReader old, long oldPos, long len, String what) throws IOException {
        while (len > 0) {
            int n = (int) Math.min(len, BUFFER - fill);
            StreamInput.readFully(diff, buf, fill, n, what);
            old.read(oldPos, oldBuf, 0, n);
            for (int i = 0; i < n; i++) {
                buf[fill + i] += oldBuf[i];
            }
            fill += n;
            oldPos += n;
            len -= n;
            if (fill == BUFFER) {
                flush();
            }
        }
    }

    /** Appends {@code len} literal bytes from {@code extra}. */
    void copyExtra(InputStream extra, long len, String what) throws IOException {
        while (len > 0) {
            int n = (int) Math.min(len, BUFFER - fill);
            StreamInput.readFully(extra, buf, fill, n, what);
            fill += n;
            len -= n;
            if (fill == BUFFER) {
                flush();
            }
        }
    }

    void flush() throws IOException {
        if (sha != null) {
            sha.update(buf, 0, fill);
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, fill);
        while (bb.hasRemaining()) {
            position += out.write(bb, position);
        }
        written += fill;
        progress.advance(fill);
        fill = 0;
    }

    long written() {
        return written + fill;
    }

    byte[] sha256() {
        return sha.digest();
    }
}
