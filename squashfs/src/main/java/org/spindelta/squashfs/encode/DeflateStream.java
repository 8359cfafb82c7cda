package org.spindelta.squashfs.encode;

import org.spindelta.core.SpindeltaException;

/**
 * One zlib deflate stream, as gzip_wrapper.c keeps one per mksquashfs stream ({@code deflateInit2} once
 * in {@code gzip_init}, then {@code deflateReset} per pass), with two output buffers: the best pass so
 * far and the one being tried. Implemented over {@link java.util.zip.Deflater} ({@link JdkDeflateStream})
 * or over libz.so.1 ({@link ZlibDeflateStream}). Not thread-safe.
 */
interface DeflateStream extends AutoCloseable {
    /** Sets the block the next passes compress; valid until the next call. */
    void input(byte[] in, int off, int len);

    /**
     * One pass of gzip_compress's loop: {@code deflateReset}; with several strategies,
     * {@code deflateParams(level, strategy)}; {@code deflate(Z_FINISH)} into {@code capacity} bytes of
     * the trial buffer.
     *
     * @return the compressed length when the stream ended ({@code Z_STREAM_END}), or -1 when the output
     *     did not fit ({@code Z_OK})
     * @throws SpindeltaException for any other zlib result
     */
    int pass(int strategy, boolean setParams, int capacity) throws SpindeltaException;

    /** Makes the last pass's output the best one. */
    void keep();

    /** Copies {@code n} bytes of the best pass's output to {@code out[0, n)}. */
    void copyBest(byte[] out, int n);

    @Override
    void close();
}
