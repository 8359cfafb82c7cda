package org.spindelta.bsdiff.generate;

import org.spindelta.bsdiff.format.PatchFormat;
import org.spindelta.core.ByteSize;

/**
 * Options of {@link BsDiff#diff}.
 *
 * @param format patch format to write; must be {@link PatchFormat#writable()}
 * @param memory bytes the diff may hold (suffix arrays, buffers, indexes); in [{@link #MIN_MEMORY}, ∞).
 *     When OLD and NEW do not fit whole, NEW is cut into windows sized from this.
 * @param threads windows diffed at once; in [1, {@link #MAX_THREADS}]
 * @param maxWindow upper bound on a window of NEW in bytes (0 = only what memory allows); tests use it
 *     to force windowing on small files
 * @param minMatch shortest exact match the scan takes as a new alignment (0 = bsdiff 4.3's rule alone).
 *     bsdiff takes matches of 9 bytes; for NEW that is mostly new text compressed by xz, such short
 *     matches each cost a control record and break the literal run the compressor would model better
 */
public record DiffOptions(PatchFormat format, long memory, int threads, long maxWindow, int minMatch) {
    /** Default cap: a diff of two ~110 MB live images then peaks near 0.45x of what bsdiff 4.3 needs. */
    public static final long DEFAULT_MEMORY = 320L << 20;
    /** Below this the fixed buffers alone (bzip2 compressors, I/O) leave no room for windows. */
    public static final long MIN_MEMORY = 96L << 20;
    public static final int MAX_THREADS = 256;

    public DiffOptions {
        if (!format.writable()) {
            throw new IllegalArgumentException("format " + format.cliName() + " can be read but not written");
        }
        if (memory < MIN_MEMORY) {
            throw new IllegalArgumentException("memory must be at least " + ByteSize.format(MIN_MEMORY) + ", got "
                    + ByteSize.format(memory));
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "], got " + threads);
        }
        if (minMatch < 0) {
            throw new IllegalArgumentException("minMatch must be >= 0, got " + minMatch);
        }
        if (maxWindow < 0) {
            throw new IllegalArgumentException("maxWindow must be >= 0, got " + maxWindow);
        }
    }

    public static DiffOptions defaults() {
        return new DiffOptions(PatchFormat.BSDIFF40, DEFAULT_MEMORY, Runtime.getRuntime().availableProcessors(), 0, 0);
    }

    public DiffOptions withFormat(PatchFormat f) {
        return new DiffOptions(f, memory, threads, maxWindow, minMatch);
    }

    public DiffOptions withMemory(long m) {
        return new DiffOptions(format, m, threads, maxWindow, minMatch);
    }

    public DiffOptions withThreads(int t) {
        return new DiffOptions(format, memory, t, maxWindow, minMatch);
    }

    public DiffOptions withMaxWindow(long w) {
        return new DiffOptions(format, memory, threads, w, minMatch);
    }

    public DiffOptions withMinMatch(int m) {
        return new DiffOptions(format, memory, threads, maxWindow, m);
    }
}
