package org.spindelta.core;

/** Little-endian reads and writes on byte arrays, as every format spindelta handles uses them. */
public final class LittleEndian {
    private LittleEndian() {}

    public static long getLong(byte[] b, int off) {
        return (b[off] & 0xFFL)
                | (b[off + 1] & 0xFFL) << 8
                | (b[off + 2] & 0xFFL) << 16
                | (b[off + 3] & 0xFFL) << 24
                | (b[off + 4] & 0xFFL) << 32
                | (b[off + 5] & 0xFFL) << 40
                | (b[off + 6] & 0xFFL) << 48
                | (b[off + 7] & 0xFFL) << 56;
    }

    public static int getInt(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    public static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    public static void putInt(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    /** The unsigned 16-bit value at {@code off}. */
    public static int getUnsignedShort(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    public static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }
}
