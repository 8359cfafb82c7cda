package org.spindelta.bsdiff.generate;

import org.spindelta.core.ByteSize;
import org.spindelta.core.LimitExceededException;

/**
 * How a diff spends its memory budget. Whole mode: OLD, its suffix array (4 bytes a byte) and NEW
 * are held at once and NEW's segments are scanned in parallel against one shared index. Windowed
 * mode: each worker holds a window of NEW (W bytes), a region of OLD (R = 2W) with its suffix array,
 * and the coarse index over OLD is shared.
 *
 * <pre>
 * whole:    old + tables(old) + 2·new (NEW + its diff bytes in flight)             + FIXED
 * windowed: T·(R + tables(R) + W) + (T + 3)·W (pooled result buffers) + index     + FIXED
 *           with R = 2W, and tables(R) = 4R (suffix array) + R/2 (4-gram filter) + 2.25 MiB
 * </pre>
 * The largest window that fits is found by bisection, since tables(R) is not linear.
 */
public record MemoryPlan(boolean whole, long window, long region, int spacingBits, long indexBytes, int windows) {
    /** JVM-side fixed cost: three bzip2 compressors (~7 MiB each at level 9), I/O buffers, slack. */
    static final long FIXED = 48L << 20;
    /** Java arrays are int-indexed; keep clear of the VM's header slack. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 64;
    /** Smallest useful window: below this, per-window overhead and lost cross-window matches dominate. */
    static final long MIN_WINDOW = 1L << 20;
    /** Share of the budget the coarse index may take. */
    static final int INDEX_SHARE = 8;

    static MemoryPlan of(long oldSize, long newSize, DiffOptions o) throws LimitExceededException {
        long wholeNeed = wholeBytes(oldSize, newSize);
        boolean forced = o.maxWindow() > 0 && o.maxWindow() < newSize;
        if (!forced && oldSize <= MAX_ARRAY && newSize <= MAX_ARRAY && wholeNeed <= o.memory()) {
            return new MemoryPlan(true, newSize, oldSize, 0, 0, segments(newSize, o.threads()));
        }
        int bits = OldIndex.spacingBitsFor(oldSize, o.memory() / INDEX_SHARE);
        long index = OldIndex.bytesFor(oldSize, bits);
        long avail = o.memory() - FIXED - index;
        int t = o.threads();
        long lo = 0;
        long hi = MAX_ARRAY / 2;
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (windowedBytes(mid, t) <= avail) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        long w = lo;
        if (o.maxWindow() > 0) {
            w = Math.min(w, o.maxWindow());
        }
        w = Math.min(w, Math.max(1, newSize));
        if (w < Math.min(MIN_WINDOW, Math.max(1, newSize)) && o.maxWindow() == 0) {
            long need = FIXED + index + windowedBytes(MIN_WINDOW, t);
            throw new LimitExceededException("--memory " + ByteSize.format(o.memory()) + " is too small for " + t
                    + " thread(s) on these files: need at least " + ByteSize.format(need), need, o.memory());
        }
        long r = Math.min(2 * w, Math.max(1, oldSize));
        int windows = (int) Math.min(Integer.MAX_VALUE, (newSize + w - 1) / w);
        return new MemoryPlan(false, w, r, bits, index, windows);
    }

    /** Whole mode cuts NEW into segments so the scan runs on all threads; a few per thread for balance. */
    private static int segments(long newSize, int threads) {
        if (newSize == 0) {
            return 0;
        }
        long perThread = 4;
        long minSegment = 1L << 20; // boundaries cost a little patch size; don't cut small files finely
        long n = Math.min(threads * perThread, Math.max(1, newSize / minSegment));
        return (int) Math.max(1, n);
    }

    static long wholeBytes(long oldSize, long newSize) {
        return oldSize + MatchIndex.Tables.bytesFor(oldSize) + 2 * newSize + FIXED;
    }

    /** Window buffers of T workers plus pooled results, without the index and FIXED. */
    static long windowedBytes(long window, int threads) {
        long region = 2 * window;
        return threads * (region + MatchIndex.Tables.bytesFor(region) + window) + (threads + 3L) * window;
    }

    /**
     * Result buffers in windowed mode. The driver submits up to T windows beyond the one it awaits and
     * keeps at most 2 in the writer; the awaited window needs one more, or it could starve.
     */
    static int resultBuffers(int threads) {
        return threads + 3;
    }

    /** Bytes the plan expects to hold at its peak (for reports). */
    public long expectedBytes(long oldSize, long newSize, int threads) {
        return whole ? wholeBytes(oldSize, newSize) : windowedBytes(window, threads) + indexBytes + FIXED;
    }

    @Override
    public String toString() {
        return whole ? "whole files, " + windows + " segment(s) on a shared suffix array"
                : windows + " window(s) of " + ByteSize.format(window) + " against regions of up to "
                        + ByteSize.format(region) + " of OLD, coarse index " + ByteSize.format(indexBytes)
                        + " (anchor every ~" + (1L << spacingBits) + " bytes)";
    }
}
