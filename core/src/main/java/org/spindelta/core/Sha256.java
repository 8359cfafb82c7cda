package org.spindelta.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.apache.commons.codec.binary.Hex;

/** SHA-256, the checksum every spindelta patch and template records for its inputs and output. */
public final class Sha256 {
    /** Digest length in bytes. */
    public static final int LENGTH = 32;
    private static final int READ_BUFFER = 1 << 20;

    private Sha256() {}

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    public static byte[] of(byte[] data, int off, int len) {
        MessageDigest md = newDigest();
        md.update(data, off, len);
        return md.digest();
    }

    /** Hashes {@code length} bytes of {@code channel} from {@code position}, reporting progress. */
    public static byte[] of(FileChannel channel, long position, long length, Progress progress) throws IOException {
        MessageDigest md = newDigest();
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

    /** Hashes a whole file. */
    public static byte[] of(Path file, Progress progress) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return of(ch, 0, ch.size(), progress);
        }
    }

    public static String hex(byte[] digest) {
        return Hex.encodeHexString(digest);
    }

    public static boolean equal(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}
