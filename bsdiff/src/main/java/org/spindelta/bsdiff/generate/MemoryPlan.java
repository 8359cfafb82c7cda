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
 * whole:    old + tables(old) + (1 + c)·new (NEW + its results in flight)      + T·codec + FIXED
 * windowed: T·(R + tables(R) + W) + (T + 3)·c·W (pooled result buffers) + index + T·codec + FIXED
 *           with R = 2W, tables(R) = 4R (suffix array) + R/2 (4-gram filter) + 2.25 MiB,
 *           c = copies of a result the format keeps (SPDW: bytes + compressed stream = 2),
 *           codec = memory of one worker's compressor (SPDW: xz ~94 MiB, zstd ~100 MiB;
 *           BSDIFF40: two bzip2 chunks in flight, ~32 MiB)
 * </pre>
 * The largest window that fits is found by bisection, since tables(R) is not linear.
 */
public record MemoryPlan(boolean whole, long window, long region, int spacingBits, long indexBytes, int windows) {
    /** Fixed cost: the control block's bzip2 compressor (~8 MiB), chunks being filled, I/O buffers, slack. */
    static final long FIXED = 48L << 20;
    /** Java arrays are int-indexed; keep clear of the VM's header slack. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 64;
    /** Smallest useful window: below this, per-window overhead and lost cross-window matches dominate. */
    static final long MIN_WINDOW = 1L << 20;
    /** Share of the budget the coarse index may take. */
    static final int INDEX_SHARE = 8;

    static MemoryPlan of(long oldSize, long newSize, DiffOptions o) throws LimitExceededException {
        return of(oldSize, newSize, o, 0, 1);
    }

    /**
     * @param codecBytes memory of one worker's window compressor
     * @param copies copies of a window result alive until it is written (1 or 2)
     */
    static MemoryPlan of(long oldSize, long newSize, DiffOptions o, long codecBytes, int copies)
            throws LimitExceededException {
        long fixed = FIXED + (long) o.threads() * codecBytes;
        long wholeNeed = wholeBytes(oldSize, newSize, copies) - FIXED + fixed;
        boolean forced = o.maxWindow() > 0 && o.maxWindow() < newSize;
        if (!forced && oldSize <= MAX_ARRAY && newSize <= MAX_ARRAY && wholeNeed <= o.memory()) {
            return new MemoryPlan(true, newSize, oldSize, 0, 0, segments(newSize, o.threads()));
        }
        int bits = OldIndex.spacingBitsFor(oldSize, o.memory() / INDEX_SHARE);
        long index = OldIndex.bytesFor(oldSize, bits);
        long avail = o.memory() - fixed - index;
        int t = o.threads();
        long lo = 0;
        long hi = MAX_ARRAY / 2;
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (windowedBytes(mid, t, copies) <= avail) {
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
        // a forced window (tests) may be small, but some window must fit
        long minimum = o.maxWindow() > 0 ? 1 : Math.min(MIN_WINDOW, Math.max(1, newSize));
        if (w < minimum) {
            long need = fixed + index + windowedBytes(Math.max(minimum, Math.min(MIN_WINDOW, newSize)), t, copies);
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

    static long wholeBytes(long oldSize, long newSize, int copies) {
        return oldSize + MatchIndex.Tables.bytesFor(oldSize) + (1L + copies) * newSize + FIXED;
    }

    /** Window buffers of T workers plus pooled results, without the index, codecs and FIXED. */
    static long windowedBytes(long window, int threads, int copies) {
        long region = 2 * window;
        return threads * (region + MatchIndex.Tables.bytesFor(region) + window) + (threads + 3L) * copies * window;
    }

    /**
     * Result buffers in windowed mode. The driver submits up to T windows beyond the one it awaits and
     * keeps at most 2 in the writer; the awaited window needs one more, or it could starve.
     */
    static int resultBuffers(int threads) {
        return threads + 3;
    }



    @Override
    public String toString() {
        return whole ? "whole files, " + windows + " segment(s) on a shared suffix array"
                : windows + " window(s) of " + ByteSize.format(window) + " against regions of up to "
                        + ByteSize.format(region) + " of OLD, coarse index " + ByteSize.format(indexBytes)
                        + " (anchor every ~" + (1L << spacingBits) + " bytes)";
    }
}
