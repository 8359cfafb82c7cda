package org.spindelta.bsdiff.generate;

import org.spindelta.bsdiff.format.BlockDelta;
import org.spindelta.bsdiff.format.FormatConstants;

/**
 * bsdiff of one small buffer against another, in memory, as a {@link BlockDelta}: for stores that keep a
 * block as a delta against a similar block they already hold. The old buffer is suffix-sorted whole (about
 * 9 bytes of tables per old byte), so callers keep it to a few MiB.
 */
public final class BlockDiff {
    /**
     * A delta and what it costs: {@code literalBytes} counts the NEW bytes the delta does not get from OLD
     * (extra bytes and non-zero diff bytes), a fair guess at its size once its container compresses it.
     */
    public record Result(byte[] delta, int literalBytes, int records) {
    }

    private BlockDiff() {}

    public static Result diff(byte[] old, int oldLength, byte[] nw, int off, int newLength) {
        if (oldLength > FormatConstants.BLOCK_DELTA_MAX_OLD || newLength > FormatConstants.BLOCK_DELTA_MAX_NEW) {
            throw new IllegalArgumentException("block delta of " + newLength + " bytes against " + oldLength
                    + " is over the limits");
        }
        byte[] window = off == 0 ? nw : java.util.Arrays.copyOfRange(nw, off, off + newLength);
        MatchIndex index = MatchIndex.build(old, oldLength, new MatchIndex.Tables(oldLength));
        WindowResult r = new WindowResult(0, 0, newLength);
        new BsdiffScan(index, OldRegion.whole(oldLength), null, 0).scan(window, 0, newLength, r);
        int n = r.records();
        long[] diff = new long[n];
        long[] extra = new long[n];
        long[] pos = new long[n];
        byte[] data = r.data();
        int literal = 0;
        int at = 0;
        for (int i = 0; i < n; i++) {
            diff[i] = r.diffLength(i);
            extra[i] = r.extraLength(i);
            pos[i] = diff[i] == 0 ? 0 : r.oldPos(i);
            for (int k = 0; k < diff[i]; k++) {
                if (data[at + k] != 0) {
                    literal++;
                }
            }
            literal += (int) extra[i];
            at += (int) (diff[i] + extra[i]);
        }
        return new Result(BlockDelta.encode(newLength, n, diff, extra, pos, data), literal, n);
    }
}
