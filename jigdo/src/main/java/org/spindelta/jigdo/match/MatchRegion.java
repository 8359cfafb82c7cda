package org.spindelta.jigdo.match;

import java.util.List;

/**
 * Bytes of the image that may be a candidate file: one file's data, contiguous in the image, and the
 * candidates of its size, the likeliest first (the same path below a label, then the same name, then
 * the rest). Whether one really is must still be checked by checksum.
 *
 * @param offset where the bytes start in the image
 * @param length their count, the candidates' size
 * @param imagePath the file's path in the image
 */
public record MatchRegion(long offset, long length, String imagePath, List<Candidate> candidates) {
    public MatchRegion {
        candidates = List.copyOf(candidates);
    }

    public long end() {
        return offset + length;
    }
}
