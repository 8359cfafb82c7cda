package org.spindelta.squashfs.encode;

import java.util.Locale;
import java.util.Objects;
import org.spindelta.core.SpindeltaException;

/**
 * What every {@link BlockEncoder} shares: the argument checks, mksquashfs's store-raw rule, and closing
 * once.
 */
abstract class AbstractBlockEncoder implements BlockEncoder {
    /** The image's block size: the capacity of a data or fragment block. */
    final int blockSize;
    private final EncoderIdentity identity;
    private boolean closed;

    AbstractBlockEncoder(int blockSize, EncoderIdentity identity) {
        this.blockSize = blockSize;
        this.identity = identity;
    }

    @Override
    public final EncoderIdentity identity() {
        return identity;
    }

    @Override
    public final int encode(byte[] in, int off, int len, byte[] out, BlockRole role) throws SpindeltaException {
        if (closed) {
            throw new IllegalStateException(identity.codec() + " encoder used after close()");
        }
        int capacity = role.capacity(blockSize);
        Objects.checkFromIndexSize(off, len, in.length);
        if (len < 1 || len > capacity) {
            throw new IllegalArgumentException(role + " block of " + len + " bytes; a " + identity.codec()
                    + " encoder for block size " + blockSize + " takes 1.." + capacity);
        }
        if (out.length < len) {
            throw new IllegalArgumentException("output array of " + out.length + " bytes is shorter than the "
                    + len + "-byte block");
        }
        int n = compress(in, off, len, out, role, capacity);
        // mangle2 in mksquashfs.c: "if(c_byte == 0 || c_byte >= size)" the block is stored raw
        return n > 0 && n < len ? n : 0;
    }

    /**
     * Runs the library as mksquashfs's wrapper does.
     *
     * @param capacity the output room mksquashfs gives the compressor
     * @return the wrapper's result: 0 when the output did not fit {@code capacity}, else the compressed
     *     length; when that is 1..len-1 the bytes are in {@code out[0, n)}
     */
    abstract int compress(byte[] in, int off, int len, byte[] out, BlockRole role, int capacity)
            throws SpindeltaException;

    /** Frees native resources; called once. */
    abstract void release();

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }

    /** The exception for a library failure mksquashfs treats as fatal ({@code BAD_ERROR} in mangle2). */
    final SpindeltaException failure(String call, String result, int len, BlockRole role) {
        return new SpindeltaException(identity.codec() + " encoder failed: " + call + " returned " + result
                + " for a " + len + "-byte " + role.name().toLowerCase(Locale.ROOT) + " block ("
                + identity + ")");
    }
}
