package org.spindelta.squashfs.pool;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LimitExceededException;

/**
 * Reads the big-endian fields of a pool metadata file held whole in memory; every read is bounded by what
 * is left, and every failure names the file, the field and its byte offset.
 */
final class FieldReader {
    /** The file's format version, once {@link MetadataFile#open} has read it. */
    int version;

    private final ByteBuffer in;
    private final String file;

    FieldReader(byte[] bytes, int length, String file) {
        this.in = ByteBuffer.wrap(bytes, 0, length);
        this.file = file;
    }

    int position() {
        return in.position();
    }

    int remaining() {
        return in.remaining();
    }

    private void need(int n, String field) throws org.spindelta.core.SpindeltaException {
        if (in.remaining() < n) {
            throw new CorruptInputException(file + " is truncated: " + field + " at byte " + in.position() + " needs "
                    + n + " bytes, " + in.remaining() + " left");
        }
    }

    int u8(String field) throws org.spindelta.core.SpindeltaException {
        need(1, field);
        return in.get() & 0xFF;
    }

    int u16(String field) throws org.spindelta.core.SpindeltaException {
        need(2, field);
        return in.getShort() & 0xFFFF;
    }

    /** An unsigned 32-bit count or length, at most {@code max}. */
    int u32(String field, long max) throws org.spindelta.core.SpindeltaException {
        int at = in.position();
        need(4, field);
        long v = in.getInt() & 0xFFFFFFFFL;
        if (v > max) {
            throw new LimitExceededException(file + ": " + field + " " + v + " at byte " + at + " is over the limit "
                    + max, v, max);
        }
        return (int) v;
    }

    /** A non-negative 64-bit value, at most {@code max}. */
    long u64(String field, long max) throws org.spindelta.core.SpindeltaException {
        int at = in.position();
        need(8, field);
        long v = in.getLong();
        if (v < 0 || v > max) {
            throw new CorruptInputException(file + ": " + field + " " + Long.toUnsignedString(v) + " at byte " + at
                    + " is outside 0.." + max);
        }
        return v;
    }

    ChunkId id(String field) throws org.spindelta.core.SpindeltaException {
        need(32, field);
        return ChunkId.read(in);
    }

    byte[] bytes(int n, String field) throws org.spindelta.core.SpindeltaException {
        need(n, field);
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    String utf8(int n, String field) throws org.spindelta.core.SpindeltaException {
        int at = in.position();
        byte[] b = bytes(n, field);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptInputException(file + ": " + field + " at byte " + at + " is not UTF-8");
        }
    }

    CorruptInputException corrupt(String what) {
        return new CorruptInputException(file + ": " + what);
    }
}
