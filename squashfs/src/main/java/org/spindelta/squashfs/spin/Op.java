package org.spindelta.squashfs.spin;

/**
 * One step of rebuilding the target: the target is the concatenation of what the ops produce, in order.
 * Ops that ship bytes take them, in order, from the content stream (NEW) the content patch rebuilds.
 */
public sealed interface Op {
    /** Bytes of the target this op produces. */
    long targetLength();

    /** Bytes of NEW it consumes. */
    long newLength();

    /** BASE bytes {@code [baseOffset, baseOffset + length)}, copied unchanged. */
    record Copy(long baseOffset, long length) implements Op {
        @Override
        public long targetLength() {
            return length;
        }

        @Override
        public long newLength() {
            return 0;
        }
    }

    /** The next {@code length} bytes of NEW, as they are. */
    record Literal(long length) implements Op {
        @Override
        public long targetLength() {
            return length;
        }

        @Override
        public long newLength() {
            return length;
        }
    }

    /**
     * The next {@code decodedLength} bytes of NEW, compressed with target image {@code image}'s encoder;
     * the result must be {@code storedLength} bytes with CRC32 {@code crc32}. A metadata block gets its
     * u16 header (the stored length) in front.
     */
    record Recompress(int image, boolean metadata, int decodedLength, int storedLength, int crc32) implements Op {
        @Override
        public long targetLength() {
            return storedLength + (metadata ? 2L : 0L);
        }

        @Override
        public long newLength() {
            return decodedLength;
        }
    }
}
