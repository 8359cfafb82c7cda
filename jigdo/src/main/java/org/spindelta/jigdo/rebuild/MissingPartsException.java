package org.spindelta.jigdo.rebuild;

import java.util.List;
import org.spindelta.core.SpindeltaException;

/**
 * Parts of the image were found nowhere; nothing has been written. Carries every missing part's
 * description (its {@code .jigdo} locations, or its checksum and length), like
 * {@code jigdo-file print-missing}.
 */
public final class MissingPartsException extends SpindeltaException {
    private static final long serialVersionUID = 1L;
    private final List<String> missing;

    public MissingPartsException(List<String> missing) {
        super(missing.size() + (missing.size() == 1 ? " part is" : " parts are") + " missing, e.g. " + missing.get(0)
                + "; give " + (missing.get(0).contains("#bytes=") ? "the base image holding them" : "the directories "
                        + "holding them") + " with --source (nothing was written)");
        this.missing = List.copyOf(missing);
    }

    /** One line per missing part. */
    public List<String> missing() {
        return missing;
    }
}
