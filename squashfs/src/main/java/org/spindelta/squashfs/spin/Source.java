package org.spindelta.squashfs.spin;

/**
 * One piece of the reference stream (OLD) that the content patch is diffed against: bytes of BASE as
 * they are, or one block of a base image decoded. The applier rebuilds OLD from BASE by laying the
 * pieces end to end.
 */
public sealed interface Source {
    /** Bytes this piece contributes to OLD. */
    long length();

    /** BASE bytes {@code [offset, offset + length)}, unchanged (e.g. an ISO's own structures). */
    record BaseBytes(long offset, long length) implements Source {
    }

    /**
     * A compressed block of base image {@code image}, decoded.
     *
     * @param offset where the block lies in BASE (for a metadata block: its 2-byte header)
     * @param storedLength bytes it takes in BASE (a metadata block's header included)
     * @param metadata whether it is a metadata block (header, then up to 8 KiB) rather than a data or
     *     fragment block
     * @param decodedLength bytes it decodes to: what it contributes to OLD
     */
    record DecodedBlock(int image, long offset, int storedLength, boolean metadata, int decodedLength)
            implements Source {
        @Override
        public long length() {
            return decodedLength;
        }
    }
}
