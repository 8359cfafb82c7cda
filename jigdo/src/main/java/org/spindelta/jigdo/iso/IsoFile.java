package org.spindelta.jigdo.iso;

import java.util.List;

/**
 * A regular file of an ISO image: its path (Rock Ridge name where there is one, else the ISO name
 * without its ";1" version), its size, and the extents that hold its data in order (one, or several
 * for a multi-extent file over 4 GiB; none for an empty file). Hard links and files the image tool
 * stored once share extents.
 */
public record IsoFile(String path, long size, List<Extent> extents) {
    public IsoFile {
        extents = List.copyOf(extents);
    }

    /** Whether its data lies in one run of the image: one extent, or extents that follow each other. */
    public boolean contiguous() {
        for (int i = 1; i < extents.size(); i++) {
            if (extents.get(i - 1).end() != extents.get(i).offset()) {
                return false;
            }
        }
        return true;
    }
}
