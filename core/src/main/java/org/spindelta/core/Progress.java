package org.spindelta.core;

/**
 * Receives progress of a long operation in bytes. Implementations must be thread-safe: windows
 * running on a pool report concurrently. The CLI turns this into a progress bar.
 */
public interface Progress {
    /** A progress sink that ignores everything. */
    Progress NONE = new Progress() {
        @Override
        public void start(String task, long total) {}

        @Override
        public void advance(long bytes) {}
    };

    /** Starts a new phase named {@code task} expected to process {@code total} bytes. */
    void start(String task, long total);

    /**
     * {@code bytes} more have been processed in the current phase; negative when work is undone (a download
     * attempt that failed and will be made again).
     */
    void advance(long bytes);
}
