package org.spindelta.bsdiff.generate;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** Consumes window results in NEW order and lays out one patch format. */
interface PatchWriter extends AutoCloseable {
    /** Called once, before any window, with the number of windows the plan has. */
    void begin(int windows) throws IOException;

    /** Worker-side step run in parallel before {@link #append} (SPDW compresses here); may be a no-op. */
    void prepare(WindowResult result) throws IOException;

    /**
     * Appends the next window. The returned future completes when the result's bytes are no longer
     * needed, so the caller can bound how many results are alive.
     */
    CompletableFuture<Void> append(WindowResult result) throws IOException;

    /** Writes the remaining parts of the patch to its channel; the caller commits the file. */
    void finish(long oldSize, byte[] oldSha256, long newSize, byte[] newSha256) throws IOException;

    @Override
    void close() throws IOException;
}
