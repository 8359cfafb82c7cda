package org.spindelta.bsdiff.generate;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import org.spindelta.core.ChannelInput;

/**
 * The part of OLD one window is diffed against: absolute ranges laid end to end in one buffer
 * (virtual positions), the suffix-sorted ones first, then the anchored ones. A diff that crosses
 * from one range into the next is split into two control entries, so matches never need to respect
 * the seams.
 */
final class OldRegion {
    private final long[] absStart;
    private final int[] virtStart; // one extra entry: total length
    private final int length;
    private final int indexedLength;
    private final int firstAnchored;

    /** @param ranges pairs {start, end} of OLD, sorted, disjoint and non-adjacent; total below 2^31 */
    OldRegion(List<long[]> ranges) {
        this(ranges, List.of());
    }

    /**
     * @param indexed ranges to suffix-sort, sorted and disjoint
     * @param anchored ranges matched along alignments, sorted and disjoint (may overlap {@code indexed})
     */
    OldRegion(List<long[]> indexed, List<long[]> anchored) {
        List<long[]> ranges = new ArrayList<>(indexed);
        ranges.addAll(anchored);
        firstAnchored = indexed.size();
        absStart = new long[ranges.size()];
        virtStart = new int[ranges.size() + 1];
        long v = 0;
        for (int i = 0; i < ranges.size(); i++) {
            long[] r = ranges.get(i);
            absStart[i] = r[0];
            virtStart[i] = (int) v;
            v += r[1] - r[0];
        }
        if (v > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("region of " + v + " bytes does not fit one array");
        }
        virtStart[ranges.size()] = (int) v;
        length = (int) v;
        indexedLength = virtStart[firstAnchored];
    }

    /** Bytes at the front of the buffer that are suffix-sorted. */
    int indexedLength() {
        return indexedLength;
    }

    /**
     * Where absolute OLD position {@code abs} sits among the anchored ranges.
     *
     * @return {virtual position, bytes available from there to the range's end}, or null
     */
    int[] locateAnchored(long abs) {
        int lo = firstAnchored;
        int hi = absStart.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (absStart[mid] > abs) {
                hi = mid - 1;
            } else if (rangeEnd(mid) <= abs) {
                lo = mid + 1;
            } else {
                int v = (int) (virtStart[mid] + (abs - absStart[mid]));
                return new int[] {v, virtStart[mid + 1] - v};
            }
        }
        return null;
    }

    static OldRegion whole(long oldSize) {
        List<long[]> one = new ArrayList<>();
        if (oldSize > 0) {
            one.add(new long[] {0, oldSize});
        }
        return new OldRegion(one);
    }

    int length() {
        return length;
    }

    private long rangeEnd(int i) {
        return absStart[i] + (virtStart[i + 1] - virtStart[i]);
    }

    /** Reads the ranges from OLD into {@code buf[0..length)}. */
    void load(FileChannel old, byte[] buf) throws IOException {
        for (int i = 0; i < absStart.length; i++) {
            ChannelInput.readFully(old, absStart[i], buf, virtStart[i], virtStart[i + 1] - virtStart[i], "OLD");
        }
    }

    /** Index of the range holding virtual position {@code v} (0 &le; v &lt; length). */
    int rangeOf(int v) {
        int lo = 0;
        int hi = absStart.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (virtStart[mid] <= v) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    long absolute(int range, int v) {
        return absStart[range] + (v - virtStart[range]);
    }

    /** Virtual end of range {@code i}. */
    int virtualEnd(int i) {
        return virtStart[i + 1];
    }
}
