package org.spindelta.bsdiff.generate;

/**
 * Order-0 entropy of a byte range, in bits per byte. Compressed data (the bulk of a SquashFS
 * image) sits near 8; text and executables well below. Windowed diffs use it to decide whether
 * OLD's anchored runs are worth suffix-sorting: in compressible data, content repeats off the
 * anchors' diagonals (shared headers, common code across files) and only a suffix array finds it.
 */
final class ByteEntropy {
    /** Below this many bits per byte a window counts as compressible. */
    static final double COMPRESSIBLE_BELOW = 7.5;

    private ByteEntropy() {}

    static double bitsPerByte(byte[] b, int off, int len) {
        if (len <= 0) {
            return 0;
        }
        int[] counts = new int[256];
        for (int i = off; i < off + len; i++) {
            counts[b[i] & 0xFF]++;
        }
        double h = 0;
        for (int c : counts) {
            if (c > 0) {
                double p = (double) c / len;
                h -= p * (Math.log(p) / Math.log(2));
            }
        }
        return h;
    }

    static boolean compressible(byte[] b, int off, int len) {
        return bitsPerByte(b, off, len) < COMPRESSIBLE_BELOW;
    }
}
