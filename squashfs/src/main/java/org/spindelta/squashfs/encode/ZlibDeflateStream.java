package org.spindelta.squashfs.encode;

import static org.spindelta.squashfs.encode.Libz.STREAM_AVAIL_IN;
import static org.spindelta.squashfs.encode.Libz.STREAM_AVAIL_OUT;
import static org.spindelta.squashfs.encode.Libz.STREAM_NEXT_IN;
import static org.spindelta.squashfs.encode.Libz.STREAM_NEXT_OUT;
import static org.spindelta.squashfs.encode.Libz.STREAM_SIZE;
import static org.spindelta.squashfs.encode.Libz.STREAM_TOTAL_OUT;
import static org.spindelta.squashfs.encode.Libz.Z_DEFLATED;
import static org.spindelta.squashfs.encode.Libz.Z_FINISH;
import static org.spindelta.squashfs.encode.Libz.Z_OK;
import static org.spindelta.squashfs.encode.Libz.Z_STREAM_END;

import com.sun.jna.Memory;
import org.spindelta.core.SpindeltaException;

/**
 * A {@link DeflateStream} over libz.so.1, making gzip_wrapper.c's calls one for one:
 * {@code deflateInit2(level, Z_DEFLATED, window, 8, strategy)} once, then per pass
 * {@code deflateReset}, optionally {@code deflateParams}, {@code total_out = 0},
 * {@code deflate(Z_FINISH)}. Used for what {@link java.util.zip.Deflater} cannot set: a window below 15
 * and the run_length_encoded and fixed strategies.
 */
final class ZlibDeflateStream implements DeflateStream {
    /** gzip_init's memLevel argument. */
    private static final int MEM_LEVEL = 8;

    private final int level;
    private final Memory stream = new Memory(STREAM_SIZE);
    private final Memory in;
    private Memory best;
    private Memory trial;
    private int len;
    private boolean initialized;

    /** @throws SpindeltaException if deflateInit2 fails */
    ZlibDeflateStream(int level, int window, int strategy, int capacity) throws SpindeltaException {
        this.level = level;
        in = new Memory(capacity);
        best = new Memory(capacity);
        trial = new Memory(capacity);
        stream.clear(); // zalloc, zfree, opaque = Z_NULL
        int ret = Libz.deflateInit2_(stream, level, Z_DEFLATED, window, MEM_LEVEL, strategy, Libz.zlibVersion(),
                STREAM_SIZE);
        if (ret != Z_OK) {
            close();
            throw new SpindeltaException("gzip encoder failed: deflateInit2(level " + level + ", window " + window
                    + ", strategy " + strategy + ") returned " + ret);
        }
        initialized = true;
    }

    @Override
    public void input(byte[] src, int off, int len) {
        in.write(0, src, off, len);
        this.len = len;
    }

    @Override
    public int pass(int strategy, boolean setParams, int capacity) throws SpindeltaException {
        int ret = Libz.deflateReset(stream);
        if (ret != Z_OK) {
            throw new SpindeltaException("gzip encoder failed: deflateReset returned " + ret);
        }
        stream.setPointer(STREAM_NEXT_IN, in);
        stream.setInt(STREAM_AVAIL_IN, len);
        stream.setPointer(STREAM_NEXT_OUT, trial);
        stream.setInt(STREAM_AVAIL_OUT, capacity);
        if (setParams) {
            ret = Libz.deflateParams(stream, level, strategy);
            if (ret != Z_OK) {
                throw new SpindeltaException("gzip encoder failed: deflateParams(" + level + ", " + strategy
                        + ") returned " + ret);
            }
        }
        stream.setLong(STREAM_TOTAL_OUT, 0);
        ret = Libz.deflate(stream, Z_FINISH);
        long total = stream.getLong(STREAM_TOTAL_OUT);
        if (ret == Z_STREAM_END) {
            return (int) total;
        }
        if (ret == Z_OK) {
            return -1; // "Output buffer overflow"
        }
        throw new SpindeltaException("gzip encoder failed: deflate(Z_FINISH) returned " + ret + " for a " + len
                + "-byte block");
    }

    @Override
    public void keep() {
        Memory t = best;
        best = trial;
        trial = t;
    }

    @Override
    public void copyBest(byte[] out, int n) {
        best.read(0, out, 0, n);
    }

    @Override
    public void close() {
        if (initialized) {
            initialized = false;
            Libz.deflateEnd(stream);
        }
        stream.close();
        in.close();
        best.close();
        trial.close();
    }
}
