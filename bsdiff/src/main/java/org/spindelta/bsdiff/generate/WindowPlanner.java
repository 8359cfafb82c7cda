package org.spindelta.bsdiff.generate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.function.Consumer;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.Progress;

/**
 * One pass over NEW that cuts it into windows and, from the anchors NEW shares with OLD, chooses
 * each window's region of OLD (hashing NEW with SHA-256 on the way). The result is the explicit
 * plan the workers carry out; plans are emitted as the pass goes, so workers start on the first
 * windows while the rest of NEW is still being read.
 */
final class WindowPlanner {
    private static final int READ_BUFFER = 1 << 20;
    /** Candidates looked at per anchor; the one nearest the current diagonal wins. */
    private static final int CANDIDATES = OldIndex.MAX_DUPLICATES;

    private WindowPlanner() {}

    /** The number of windows {@link #plan} emits: NEW is cut every {@code window} bytes. */
    static int windowCount(long newSize, long window) {
        return (int) ((newSize + window - 1) / window);
    }

    /** Emits each window's plan to {@code sink} as soon as NEW has been read past its end. */
    static void plan(FileChannel nw, long newSize, long oldSize, OldIndex index, long window, long region,
            MessageDigest sha, Progress progress, Consumer<WindowPlan> sink) throws IOException {
        int emitted = 0;
        RegionChooser chooser = new RegionChooser(oldSize, region);
        ByteBuffer buf = ByteBuffer.allocate(READ_BUFFER);
        byte[] a = buf.array();
        long[] cand = new long[CANDIDATES];
        int bits = index.spacingBits();
        long h = 0;
        long lastAnchorHash = 0;
        long pos = 0;
        long windowStart = 0;
        while (pos < newSize) {
            buf.clear();
            buf.limit((int) Math.min(READ_BUFFER, newSize - pos));
            int n = nw.read(buf, pos);
            if (n < 0) {
                throw new CorruptInputException("NEW ended at byte " + pos + " of " + newSize);
            }
            sha.update(a, 0, n);
            for (int i = 0; i < n; i++) {
                h = (h << 1) + GearHash.GEAR[a[i] & 0xFF];
                long p = pos + i;
                if (p >= GearHash.SPAN - 1 && GearHash.isAnchor(h, bits) && h != lastAnchorHash) {
                    lastAnchorHash = h;
                    int k = index.lookup(GearHash.fingerprint(h), cand);
                    if (k > 0) {
                        long newPos = p - (GearHash.SPAN - 1);
                        long want = chooser.currentDiagonal();
                        long best = cand[0];
                        for (int c = 1; c < k; c++) {
                            if (Math.abs(cand[c] - newPos - want) < Math.abs(best - newPos - want)) {
                                best = cand[c];
                            }
                        }
                        chooser.addHit(newPos, best);
                    }
                }
                if (p + 1 == Math.min(newSize, windowStart + window)) {
                    long end = p + 1;
                    RegionChooser.Choice c = chooser.choose(windowStart, end);
                    sink.accept(new WindowPlan(emitted++, windowStart, (int) (end - windowStart), c.indexed(),
                            c.anchored(), c.alignments()));
                    windowStart = end;
                }
            }
            pos += n;
            progress.advance(n);
        }
    }
}
