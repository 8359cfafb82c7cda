package org.spindelta.squashfs.spin;

import java.util.concurrent.ArrayBlockingQueue;
import org.spindelta.squashfs.format.SquashfsConstants;

/**
 * Arrays for the pieces in flight through an {@link OrderedPipeline}, handed back once their bytes are
 * written and used again, so that a pipeline that moves gigabytes allocates a few arrays rather than one
 * per piece. At most {@code capacity} free arrays are kept; a take with none free makes a new one, so a
 * piece that is never handed back (a failed task) costs only garbage. Thread-safe: tasks take and give
 * on pool threads, the sink gives on the caller's.
 */
final class PieceBuffers {
    /** Largest piece of a copy, a literal or BASE bytes handled as one array. */
    static final int PIECE = 1 << 20;

    private final int size;
    private final ArrayBlockingQueue<byte[]> free;

    /**
     * @param size every array's length
     * @param capacity free arrays kept at most: what the pipeline holds at once (its depth times the
     *     arrays a task holds, plus those being filled)
     */
    PieceBuffers(int size, int capacity) {
        this.size = size;
        this.free = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * Arrays for a pipeline of {@code depth} tasks, each holding at most two at once: a piece, or a block (at
     * most {@link SquashfsConstants#MAX_BLOCK_SIZE}, decoded, stored or recompressed) after its metadata header.
     */
    static PieceBuffers forPipeline(int depth) {
        return new PieceBuffers(Math.max(PIECE, SquashfsConstants.MAX_BLOCK_SIZE)
                + SquashfsConstants.METADATA_HEADER_SIZE, 2 * depth + 2);
    }

    /** An array of this pool's length, its contents undefined. */
    byte[] take() {
        byte[] b = free.poll();
        return b != null ? b : new byte[size];
    }

    /** Hands {@code b} back for a later {@link #take()}; an array of another length is left to the collector. */
    void give(byte[] b) {
        if (b.length == size) {
            free.offer(b);
        }
    }
}
