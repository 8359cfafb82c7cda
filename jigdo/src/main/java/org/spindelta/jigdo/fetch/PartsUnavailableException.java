package org.spindelta.jigdo.fetch;

import java.util.List;
import org.spindelta.core.SpindeltaException;

/**
 * Parts could be fetched from no mirror; nothing was written at OUT, the parts that were verified stay in
 * the cache for the next run.
 */
public final class PartsUnavailableException extends SpindeltaException {
    private static final long serialVersionUID = 1L;
    private final List<String> failures;

    /** @param failures one line per part: its location and the last error */
    public PartsUnavailableException(List<String> failures, String cache) {
        super(failures.size() + (failures.size() == 1 ? " part" : " parts") + " could not be downloaded from any mirror, e.g. "
                + failures.get(0) + " (nothing was written; verified parts are kept in " + cache + " for the next run)");
        this.failures = List.copyOf(failures);
    }

    public List<String> failures() {
        return failures;
    }
}
