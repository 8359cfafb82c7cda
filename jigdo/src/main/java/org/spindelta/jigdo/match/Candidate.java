package org.spindelta.jigdo.match;

import java.nio.file.Path;

/**
 * A file that may appear in the image: found under a label's directory, named in the .jigdo as
 * {@code label:relativePath} (jigdo's [Parts] value), read from {@code file}.
 *
 * @param label the [Servers] label its directory maps to
 * @param relativePath its path below the label's directory, '/'-separated
 * @param file where it is on this machine
 * @param size its size in bytes
 */
public record Candidate(String label, String relativePath, Path file, long size) {
    /** The .jigdo part location, {@code label:relativePath}. */
    public String location() {
        return label + ":" + relativePath;
    }

    /** The last path component: what JTE also compares before trusting a checksum list entry. */
    public String baseName() {
        int slash = relativePath.lastIndexOf('/');
        return relativePath.substring(slash + 1);
    }
}
