package org.spindelta.bsdiff.apply;

import java.io.IOException;
import java.io.InputStream;
import org.spindelta.bsdiff.format.FormatConstants;
import org.spindelta.bsdiff.format.SignMagnitude;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.StreamInput;

/**
 * Walks bsdiff control triples, checking each before any byte is written (CVE-2014-9862 and
 * friends): lengths non-negative, the entry stays inside NEW, its diff source inside OLD, the seek
 * does not overflow, and the walk makes progress (a bzip2 bomb of zero triples would spin forever).
 */
final class ControlWalk {
    /** Real writers never emit long runs of empty triples; this many in a row means a hostile patch. */
    static final int MAX_EMPTY_RUN = 1 << 16;

    private final long oldSize;
    private final long newSize;
    private final byte[] entry = new byte[FormatConstants.CONTROL_ENTRY_SIZE];
    private long index = -1;
    private long oldPos;
    private long newPos;
    private long diffLength;
    private long extraLength;
    private long seek;
    private int emptyRun;

    ControlWalk(long oldSize, long newSize) {
        this.oldSize = oldSize;
        this.newSize = newSize;
    }

    boolean hasNext() {
        return newPos < newSize;
    }

    /** Reads and checks the next triple; {@link #oldPos()} is where its diff reads from. */
    void next(InputStream ctrl, String what) throws IOException {
        index++;
        StreamInput.readFully(ctrl, entry, 0, entry.length, what);
        diffLength = SignMagnitude.decode(entry, 0, "control entry " + index + " diff length");
        extraLength = SignMagnitude.decode(entry, 8, "control entry " + index + " extra length");
        seek = SignMagnitude.decode(entry, 16, "control entry " + index + " seek");
        if (diffLength < 0 || extraLength < 0) {
            throw new CorruptInputException("control entry " + index + " has a negative length (diff " + diffLength
                    + ", extra " + extraLength + ")");
        }
        if (diffLength > newSize - newPos || extraLength > newSize - newPos - diffLength) {
            throw new CorruptInputException("control entry " + index + " (diff " + diffLength + ", extra " + extraLength
                    + ") at new offset " + newPos + " runs past the new size " + newSize);
        }
        if (diffLength > 0 && (oldPos < 0 || oldPos > oldSize - diffLength)) {
            throw new CorruptInputException("control entry " + index + " reads old bytes [" + oldPos + ", "
                    + (oldPos + diffLength) + ") outside OLD (" + oldSize + " bytes)");
        }
        emptyRun = diffLength + extraLength == 0 ? emptyRun + 1 : 0;
        if (emptyRun > MAX_EMPTY_RUN) {
            throw new CorruptInputException("control block has more than " + MAX_EMPTY_RUN
                    + " empty entries in a row at entry " + index + " (a bomb?)");
        }
    }

    /** Moves past the triple read by {@link #next}, once its bytes have been produced. */
    void finish() throws CorruptInputException {
        newPos += diffLength + extraLength;
        oldPos = seekFrom(oldPos, diffLength, seek);
    }

    private long seekFrom(long pos, long diff, long s) throws CorruptInputException {
        try {
            return Math.addExact(Math.addExact(pos, diff), s);
        } catch (ArithmeticException e) {
            throw new CorruptInputException("control entry " + index + " seek " + s + " overflows from old offset " + pos);
        }
    }

    long oldPos() {
        return oldPos;
    }

    long diffLength() {
        return diffLength;
    }

    long extraLength() {
        return extraLength;
    }
}
