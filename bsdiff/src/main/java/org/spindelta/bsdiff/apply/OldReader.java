package org.spindelta.bsdiff.apply;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.TrailingSha256;

/**
 * Reads OLD at arbitrary positions through a one-block cache. bsdiff's diff regions walk old
 * forward in runs, so one buffer of {@link #BLOCK} bytes serves most reads; memory stays O(1)
 * whatever the file size (Debian's bspatch instead loads the whole of old).
 */
final class OldReader {
    /** Large enough that a forward run costs one read per MiB, small enough to keep per-thread memory low. */
    static final int BLOCK = 1 << 20;

    private final FileChannel channel;
    private final long size;
    private final TrailingSha256 hash;
    private final ByteBuffer block = ByteBuffer.allocate(BLOCK);
    private long blockStart = -1;
    private int blockLength;

    /** @param hash OLD's hash, told where this reader is so that it reads just ahead of it; null if none */
    OldReader(FileChannel channel, long size, TrailingSha256 hash) {
        this.channel = channel;
        this.size = size;
        this.hash = hash;
    }

    long size() {
        return size;
    }

    /** Copies old[pos, pos+len) into dst; the caller has checked the range lies inside old. */
    void read(long pos, byte[] dst, int off, int len) throws IOException {
        while (len > 0) {
            if (pos < blockStart || pos >= blockStart + blockLength) {
                fill(pos);
            }
            int inBlock = (int) (pos - blockStart);
            int n = Math.min(len, blockLength - inBlock);
            System.arraycopy(block.array(), inBlock, dst, off, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    private void fill(long pos) throws IOException {
        if (hash != null) {
            hash.reached(pos + BLOCK);
        }
        block.clear();
        block.limit((int) Math.min(BLOCK, size - pos));
        long p = pos;
        while (block.hasRemaining()) {
            int n = channel.read(block, p);
            if (n < 0) {
                throw new CorruptInputException("OLD ended at byte " + p + " although it was " + size + " bytes when opened");
            }
            p += n;
        }
        blockStart = pos;
        blockLength = block.position();
    }
}
