package org.spindelta.squashfs.encode;

import java.nio.ByteBuffer;
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
 *
 * <p>Input and output are direct buffers: given Java arrays, the JDK's libzip holds them with
 * {@code GetPrimitiveArrayCritical} for the whole deflate call, and while a thread is in such a region no
 * collection may run. With every core deflating blocks back to back (a spin diff checks each changed
 * block), the collector was locked out most of the time: every young collection of a 4.4 GB diff was
 * "GCLocker Initiated", the heap filled with garbage it could not collect, and the default heap ran out.
 */
final class JdkDeflateStream implements DeflateStream {
    private final Deflater deflater;
    private ByteBuffer best;
    private ByteBuffer trial;
    private ByteBuffer in;

    /**
     * @param strategy the strategy the stream starts with, a {@code Deflater} strategy constant (equal
     *     to zlib's: 0 default, 1 filtered, 2 huffman_only)
     */
    JdkDeflateStream(int level, int strategy, int capacity) {
        deflater = new Deflater(level);
        deflater.setStrategy(strategy);
        best = ByteBuffer.allocateDirect(capacity);
        trial = ByteBuffer.allocateDirect(capacity);
        in = ByteBuffer.allocateDirect(capacity);
    }

    @Override
    public void input(byte[] src, int off, int len) {
        if (in.capacity() < len) {
            in = ByteBuffer.allocateDirect(len);
        }
        in.clear();
        in.put(src, off, len).flip();
    }

    @Override
    public int pass(int strategy, boolean setParams, int capacity) {
        deflater.reset();
        if (setParams) {
            deflater.setStrategy(strategy);
        }
        if (trial.capacity() < capacity) {
            trial = ByteBuffer.allocateDirect(capacity);
        }
        deflater.setInput(in.position(0));
        deflater.finish();
        trial.clear().limit(capacity);
        int idle = 0;
        // the first call may only apply deflateParams and return 0; two idle calls in a row mean no room
        while (!deflater.finished() && trial.hasRemaining() && idle < 2) {
            int w = deflater.deflate(trial);
            idle = w == 0 ? idle + 1 : 0;
        }
        return deflater.finished() ? trial.position() : -1;
    }

    @Override
    public void keep() {
        ByteBuffer t = best;
        best = trial;
        trial = t;
    }

    @Override
    public void copyBest(byte[] out, int n) {
        best.get(0, out, 0, n);
    }

    @Override
    public void close() {
        deflater.end();
    }
}
