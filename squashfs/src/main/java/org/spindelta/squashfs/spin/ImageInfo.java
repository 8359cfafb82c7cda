package org.spindelta.squashfs.spin;

import java.util.Arrays;
import org.spindelta.squashfs.format.Compressor;

/**
 * A SquashFS image inside BASE or the target, as a patch records it: where it lies, and what its blocks
 * are compressed with (the applier builds its decoder or encoder from this).
 *
 * @param options the stored compressor options payload, empty when the image stores none (defaults)
 * @param encoder for a target image: the identity of the encoder its recompressed blocks need (empty
 *     when none are recompressed); for a base image: empty
 */
public record ImageInfo(long offset, long length, Compressor compressor, int blockSize, byte[] options,
        String encoder) {
    @Override
    public boolean equals(Object o) {
        return o instanceof ImageInfo i && offset == i.offset && length == i.length && compressor == i.compressor
                && blockSize == i.blockSize && Arrays.equals(options, i.options) && encoder.equals(i.encoder);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + Arrays.hashCode(options);
    }

    @Override
    public String toString() {
        return compressor.toolName() + " image at byte " + offset + " (" + length + " bytes, block size " + blockSize
                + (encoder.isEmpty() ? "" : ", encoder " + encoder) + ")";
    }
}
