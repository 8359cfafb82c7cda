package org.spindelta.jigdo.match;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.spindelta.jigdo.iso.IsoFile;

/**
 * Pairs an ISO image's files with candidates by size, from the image's directory tree (what JTE knows
 * while writing the image): no rolling checksum over every offset, so no small file can shadow a large
 * one the way jigdo-file's greedy matching does. A file whose extents are not contiguous cannot be one
 * template entry and stays in the template; files sharing their data (hard links) give one region.
 */
public final class IsoMatcher {
    private IsoMatcher() {}

    /** The regions in image order, not overlapping. */
    public static List<MatchRegion> regions(List<IsoFile> files, CandidateIndex candidates, long minSize) {
        List<MatchRegion> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (IsoFile f : files) {
            if (f.size() < minSize || f.extents().isEmpty() || !f.contiguous()) {
                continue;
            }
            List<Candidate> c = candidates.ofSize(f.size());
            if (c.isEmpty() || !seen.add(f.extents().get(0).offset())) {
                continue;
            }
            out.add(new MatchRegion(f.extents().get(0).offset(), f.size(), f.path(), likeliestFirst(f.path(), c)));
        }
        out.sort(Comparator.comparingLong(MatchRegion::offset));
        // the image tool never overlaps file data; a crafted image might: keep the first of overlapping regions
        List<MatchRegion> kept = new ArrayList<>(out.size());
        long end = 0;
        for (MatchRegion r : out) {
            if (r.offset() >= end) {
                kept.add(r);
                end = r.end();
            }
        }
        return kept;
    }

    /** The same path below a label first, then the same name, then the rest in scan order. */
    private static List<Candidate> likeliestFirst(String imagePath, List<Candidate> c) {
        String name = imagePath.substring(imagePath.lastIndexOf('/') + 1);
        List<Candidate> sorted = new ArrayList<>(c);
        sorted.sort(Comparator.comparingInt(x -> imagePath.endsWith("/" + x.relativePath()) ? 0
                : x.baseName().equals(name) ? 1 : 2));
        return sorted;
    }
}
