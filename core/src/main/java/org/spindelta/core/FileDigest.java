package org.spindelta.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;

/** Hashing a region of a file with any digest (SHA-256 for patches, MD5 or SHA-256 for jigdo parts). */
public final class FileDigest {
    private static final int READ_BUFFER = 1 << 20;

    private FileDigest() {}

    /**
     * Hashes {@code length} bytes of {@code channel} from {@code position} with {@code md}, reporting progress.
     *
     * @throws CorruptInputException if the file ends first
     */
    public static byte[] of(FileChannel channel, long position, long length, MessageDigest md, Progress progress)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(READ_BUFFER, Math.max(1, length)));
        long done = 0;
        while (done < length) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), length - done));
            int n = channel.read(buf, position + done);
            if (n < 0) {
                throw new CorruptInputException("file ended at byte " + (position + done) + " while hashing "
                        + length + " bytes from " + position);
            }
            buf.flip();
            md.update(buf);
            done += n;
            progress.advance(n);
        }
        return md.digest();
    }
}
