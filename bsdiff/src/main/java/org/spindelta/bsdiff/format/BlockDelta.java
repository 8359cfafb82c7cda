package org.spindelta.bsdiff.format;

import java.io.ByteArrayOutputStream;
import org.spindelta.core.CorruptInputException;

/**
 * A block delta (docs/formats/block-delta.md): how to make one small buffer (NEW, at most
 * {@link FormatConstants#BLOCK_DELTA_MAX_NEW} bytes) from another (OLD), as bsdiff's records: copy
 * {@code diff} bytes of OLD from {@code oldPos} adding the delta's bytes to them one by one, then take
 * {@code extra} bytes as they are. Unlike BSDIFF40 nothing is compressed: the delta is meant to sit
 * inside a compressed container (a pool segment), whose compressor sees the long runs of zero diff bytes.
 *
 * <pre>
 * varint newLength, varint recordCount,
 * recordCount x (varint diff, varint extra, varint oldPos),
 * then for each record its diff bytes then its extra bytes: newLength bytes in all, and nothing after.
 * </pre>
 * Varints are unsigned LEB128 of at most 32 bits.
 */
public final class BlockDelta {
    private BlockDelta() {}

    /** Encodes records (parallel arrays, {@code count} of them) and their bytes ({@code data}, newLength). */
    public static byte[] encode(int newLength, int count, long[] diff, long[] extra, long[] oldPos, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + count * 8 + newLength);
        varint(out, newLength);
        varint(out, count);
        for (int i = 0; i < count; i++) {
            varint(out, diff[i]);
            varint(out, extra[i]);
            varint(out, oldPos[i]);
        }
        out.write(data, 0, newLength);
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("varint out of range: " + v);
        }
        while (v >= 0x80) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** The NEW length a delta declares, checked against {@code maxNew}; {@code what} names it in errors. */
    public static int newLength(byte[] delta, int off, int len, int maxNew, String what) throws CorruptInputException {
        Reader r = new Reader(delta, off, off + len, what);
        long n = r.varint("new length");
        if (n > Math.min(maxNew, FormatConstants.BLOCK_DELTA_MAX_NEW)) {
            throw new CorruptInputException(what + ": new length " + n + " exceeds the limit " + maxNew);
        }
        return (int) n;
    }

    /**
     * Applies a delta to {@code old[0, oldLength)}; every length and position is checked, so a hostile delta
     * gives a {@link CorruptInputException} naming {@code what}, never an exception of another kind.
     *
     * @param maxNew the most bytes the caller accepts
     */
    public static byte[] apply(byte[] old, int oldLength, byte[] delta, int off, int len, int maxNew, String what)
            throws CorruptInputException {
        if (oldLength > FormatConstants.BLOCK_DELTA_MAX_OLD) {
            throw new CorruptInputException(what + ": old buffer of " + oldLength + " bytes exceeds the limit");
        }
        Reader r = new Reader(delta, off, off + len, what);
        long n = r.varint("new length");
        if (n > Math.min(maxNew, FormatConstants.BLOCK_DELTA_MAX_NEW)) {
            throw new CorruptInputException(what + ": new length " + n + " exceeds the limit " + maxNew);
        }
        long count = r.varint("record count");
        // every record takes at least 3 bytes of the delta: a count beyond that is a lie, not an allocation
        if (count > (off + len - r.pos) / 3) {
            throw new CorruptInputException(what + ": " + count + " records cannot fit in the delta's "
                    + len + " bytes");
        }
        int records = (int) count;
        int recordsAt = r.pos;
        long total = 0;
        for (int i = 0; i < records; i++) {
            long d = r.varint("record " + i + " diff length");
            long e = r.varint("record " + i + " extra length");
            long p = r.varint("record " + i + " old position");
            if (d > 0 && p + d > oldLength) {
                throw new CorruptInputException(what + ": record " + i + " reads old bytes " + p + ".." + (p + d)
                        + " of " + oldLength);
            }
            total += d + e;
            if (total > n) {
                throw new CorruptInputException(what + ": records make more than the " + n + " bytes declared");
            }
        }
        if (total != n) {
            throw new CorruptInputException(what + ": records make " + total + " bytes, " + n + " declared");
        }
        if (off + len - r.pos != n) {
            throw new CorruptInputException(what + ": " + (off + len - r.pos) + " data bytes, " + n + " expected");
        }
        byte[] out = new byte[(int) n];
        int data = r.pos;
        int w = 0;
        r.pos = recordsAt;
        for (int i = 0; i < records; i++) {
            int d = (int) r.varint("diff");
            int e = (int) r.varint("extra");
            int p = (int) r.varint("old position");
            for (int k = 0; k < d; k++) {
                out[w + k] = (byte) (delta[data + k] + old[p + k]);
            }
            System.arraycopy(delta, data + d, out, w + d, e);
            data += d + e;
            w += d + e;
        }
        return out;
    }

    /** Reads the varints of a delta, bounded by its end. */
    private static final class Reader {
        private final byte[] b;
        private final int end;
        private final String what;
        int pos;

        Reader(byte[] b, int off, int end, String what) throws CorruptInputException {
            if (off < 0 || end > b.length || off > end) {
                throw new CorruptInputException(what + ": delta range out of its buffer");
            }
            this.b = b;
            this.pos = off;
            this.end = end;
            this.what = what;
        }

        long varint(String field) throws CorruptInputException {
            long v = 0;
            for (int shift = 0, i = 0; i < FormatConstants.BLOCK_DELTA_MAX_VARINT; i++, shift += 7) {
                if (pos >= end) {
                    throw new CorruptInputException(what + ": truncated in the " + field);
                }
                int x = b[pos++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    if (v > 0xFFFF_FFFFL) {
                        break;
                    }
                    return v;
                }
            }
            throw new CorruptInputException(what + ": the " + field + " is not a 32-bit varint");
        }
    }
}
