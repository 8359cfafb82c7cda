package org.spindelta.core;

import java.io.IOException;
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
        return FileDigest.of(channel, position, length, newDigest(), progress);
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
