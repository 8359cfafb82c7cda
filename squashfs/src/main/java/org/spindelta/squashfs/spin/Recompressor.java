package org.spindelta.squashfs.spin;

import java.io.IOException;

/**
 * Encodes blocks of one target image exactly as its writer did; one per thread.
 */
public interface Recompressor extends AutoCloseable {
    /**
     * Encodes {@code in[off, off + len)} into {@code out}.
     *
     * @return the stored length, or 0 when the writer would store the block uncompressed
     */
    int encode(byte[] in, int off, int len, byte[] out, boolean metadata) throws IOException;

    @Override
    void close();

    /** Makes recompressors for images; says which images this machine can reproduce. */
    interface Factory {
        /**
         * The identity of the encoder for {@code image}'s blocks, or empty when this machine has none that
         * can reproduce them (then they are shipped as they are).
         */
        String identity(ImageInfo image);

        Recompressor open(ImageInfo image) throws IOException;
    }
}
