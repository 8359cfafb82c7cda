package org.spindelta.jigdo.fetch;

import org.spindelta.core.Progress;

/** A {@link Progress} that also shows how many of the parts to download are done (a progress bar's message). */
public interface PartsProgress extends Progress {
    /** {@code done} of {@code total} parts are downloaded and verified. */
    void parts(int done, int total);
}
