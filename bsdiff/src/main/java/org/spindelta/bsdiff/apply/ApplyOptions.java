package org.spindelta.bsdiff.apply;

/**
 * Options of {@link BsPatch#apply}.
 *
 * @param threads windows applied at once for windowed patches; in [1, {@link #MAX_THREADS}]
 */
public record ApplyOptions(int threads) {
    public static final int MAX_THREADS = 256;

    public ApplyOptions {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "], got " + threads);
        }
    }

    public static ApplyOptions defaults() {
        return new ApplyOptions(Runtime.getRuntime().availableProcessors());
    }
}
