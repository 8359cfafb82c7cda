package org.spindelta.bsdiff.format;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The patch formats spindelta knows; {@link #cliName()} is what {@code --format} takes. */
public enum PatchFormat {
    /** Classic bsdiff 4.x: three bzip2 streams; Debian's bspatch applies it. */
    BSDIFF40("bsdiff40", true),
    /** mendsley/bsdiff: one bzip2 stream of interleaved records. Read only. */
    BSDIFF43("bsdiff43", false),
    /** spindelta windowed, windows compressed with xz. */
    SPDW_XZ("spdw-xz", true),
    /** spindelta windowed, windows compressed with zstd. */
    SPDW_ZSTD("spdw-zstd", true),
    /** spindelta windowed, windows not compressed (for containers that compress the patch solidly). */
    SPDW_STORED("spdw-stored", true);

    private final String cliName;
    private final boolean writable;

    PatchFormat(String cliName, boolean writable) {
        this.cliName = cliName;
        this.writable = writable;
    }

    public String cliName() {
        return cliName;
    }

    public boolean writable() {
        return writable;
    }

    public boolean windowed() {
        return this == SPDW_XZ || this == SPDW_ZSTD || this == SPDW_STORED;
    }

    /**
     * A format to write.
     *
     * @throws IllegalArgumentException naming the writable formats when {@code name} is none of them
     */
    public static PatchFormat writableFromCliName(String name) {
        for (PatchFormat f : values()) {
            if (f.writable && f.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("cannot write patch format '" + name + "'; expected one of "
                + Arrays.stream(values()).filter(PatchFormat::writable).map(PatchFormat::cliName)
                        .collect(Collectors.joining(", "))
                + (name.equalsIgnoreCase(BSDIFF43.cliName) ? " (bsdiff43 is read-only)" : ""));
    }

    /**
     * @throws IllegalArgumentException naming the accepted values when {@code name} is none of them
     */
    public static PatchFormat fromCliName(String name) {
        for (PatchFormat f : values()) {
            if (f.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown patch format '" + name + "'; expected one of "
                + Arrays.stream(values()).map(PatchFormat::cliName).collect(Collectors.joining(", ")));
    }
}
