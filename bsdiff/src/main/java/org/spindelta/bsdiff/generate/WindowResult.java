package org.spindelta.bsdiff.generate;

import java.util.Arrays;

/**
 * The diff of one window of NEW: control records with absolute OLD positions, and the window's
 * bytes in output order (each record's diff bytes, then its extra bytes), exactly the window's
 * length in all. This is the explicit plan a writer turns into BSDIFF40 or SPDW.
 */
final class WindowResult {
    final int index;
    final long newStart;
    final int newLength;
    private byte[] data;
    private int dataFill;
    private long[] diffLength = new long[64];
    private long[] extraLength = new long[64];
    private long[] oldPos = new long[64];
    private int records;
    /** Set by SPDW workers: the window's compressed stream and its decompressed length. */
    byte[] compressed;
    long streamLength;

    private final java.util.function.Consumer<byte[]> recycle;

    WindowResult(int index, long newStart, int newLength) {
        this(index, newStart, newLength, new byte[newLength], b -> {});
    }

    /** A result over a pooled buffer of at least {@code newLength} bytes, returned by {@link #release}. */
    WindowResult(int index, long newStart, int newLength, byte[] buffer, java.util.function.Consumer<byte[]> recycle) {
        this.index = index;
        this.newStart = newStart;
        this.newLength = newLength;
        this.data = buffer;
        this.recycle = recycle;
    }

    void add(long diff, long extra, long oldAbs) {
        if (records == oldPos.length) {
            int n = records * 2;
            diffLength = Arrays.copyOf(diffLength, n);
            extraLength = Arrays.copyOf(extraLength, n);
            oldPos = Arrays.copyOf(oldPos, n);
        }
        diffLength[records] = diff;
        extraLength[records] = extra;
        oldPos[records] = oldAbs;
        records++;
    }

    byte[] data() {
        return data;
    }

    int dataFill() {
        return dataFill;
    }

    void advanceData(int n) {
        dataFill += n;
    }

    int records() {
        return records;
    }

    long diffLength(int i) {
        return diffLength[i];
    }

    long extraLength(int i) {
        return extraLength[i];
    }

    long oldPos(int i) {
        return oldPos[i];
    }

    long diffBytes() {
        long s = 0;
        for (int i = 0; i < records; i++) {
            s += diffLength[i];
        }
        return s;
    }

    /** Drops the bytes once a writer has consumed them, so finished windows do not pin memory. */
    void release() {
        if (data != null) {
            recycle.accept(data);
        }
        data = null;
        compressed = null;
    }
}
