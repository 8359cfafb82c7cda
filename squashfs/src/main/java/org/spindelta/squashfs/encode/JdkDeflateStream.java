package org.spindelta.squashfs.encode;

import java.util.zip.Deflater;

/**
 * A {@link DeflateStream} over {@link java.util.zip.Deflater}, which <em>is</em> zlib: the JVM's libzip
 * calls {@code deflateInit2(level, Z_DEFLATED, 15, 8, strategy)}, the window and memory level
 * gzip_wrapper.c uses by default, and measured to reproduce mksquashfs's gzip blocks (spike doc;
 * reference doc squashfs.md §2). It can only reach window 15 and the default, filtered and
 * huffman_only strategies; {@link ZlibDeflateStream} covers the rest.
 *
 * <p>{@code Deflater.setStrategy} after {@code reset()} makes the next {@code deflate} call issue
 * {@code deflateParams} alone (it returns 0 bytes) when the strategy changed; an unchanged strategy
 * skips the call, which is what zlib's {@code deflateParams} would do with unchanged values right after
 * {@code deflateReset} (no pending output to flush, same level).
 */
final class JdkDeflateStream implements DeflateStream {
    private final Deflater deflater;
    private byte[] best;
    private byte[] trial;
    private byte[] in;
    private int off;
    private int len;

    /**
     * @param strategy the strategy the stream starts with, a {@code Deflater} strategy constant (equal
     *     to zlib's: 0 default, 1 filtered, 2 huffman_only)
     */
    JdkDeflateStream(int level, int strategy, int capacity) {
        deflater = new Deflater(level);
        deflater.setStrategy(strategy);
        best = new byte[capacity];
        trial = new byte[capacity];
    }

    @Override
    public void input(byte[] in, int off, int len) {
        this.in = in;
        this.off = off;
        this.len = len;
    }

    @Override
    public int pass(int strategy, boolean setParams, int capacity) {
        deflater.reset();
        if (setParams) {
            deflater.setStrategy(strategy);
        }
        deflater.setInput(in, off, len);
        deflater.finish();
        int n = 0;
        int idle = 0;
        // the first call may only apply deflateParams and return 0; two idle calls in a row mean no room
        while (!deflater.finished() && n < capacity && idle < 2) {
            int w = deflater.deflate(trial, n, capacity - n);
            idle = w == 0 ? idle + 1 : 0;
            n += w;
        }
        return deflater.finished() ? n : -1;
    }

    @Override
    public void keep() {
        byte[] t = best;
        best = trial;
        trial = t;
    }

    @Override
    public void copyBest(byte[] out, int n) {
        System.arraycopy(best, 0, out, 0, n);
    }

    @Override
    public void close() {
        deflater.end();
    }
}
