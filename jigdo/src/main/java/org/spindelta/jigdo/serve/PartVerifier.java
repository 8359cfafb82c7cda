package org.spindelta.jigdo.serve;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.Sha256;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.VerificationException;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.rebuild.PartFile;

/**
 * The server's rule that no byte of a part is sent before the whole part has been checked against its
 * checksum: each part file is hashed once, on first use, and the digest is remembered for the file as it
 * was — its identity (device and inode), size, modification time and, where the platform has it, change
 * time ({@code ctime}, which no tool can set back). A file changed since is hashed again; a file whose digest
 * is not the one a template wants is refused for as long as it stays unchanged.
 *
 * <p>Concurrent requests for the same unverified part wait for one hashing, done on the first requester's
 * thread with its buffer. What is not covered: a file rewritten in place within the same clock tick and
 * without a change of ctime (not possible through the system calls that write files), and a rename racing
 * between this check and the open that follows it.
 *
 * <p>Memory: one entry (about 200 bytes) per distinct part file used.
 */
public final class PartVerifier {
    /** What a file looked like when it was hashed. */
    record FileState(Object fileKey, long size, FileTime modified, Object changed) {}

    private record Key(PartFile part, long length, ChecksumKind kind) {}

    private record Attempt(FileState state, CompletableFuture<byte[]> digest) {}

    /** What is known of a part without hashing it. */
    public enum Status { GOOD, BAD, UNKNOWN }

    private final ConcurrentHashMap<Key, Attempt> attempts = new ConcurrentHashMap<>();

    /**
     * What the cache knows of {@code file} as it is now: GOOD or BAD if it was hashed and has not changed since,
     * else UNKNOWN. A file that cannot be read is BAD.
     */
    public Status status(PartFile part, long length, ChecksumKind kind, byte[] expected) {
        FileState now;
        try {
            now = stateOf(part.file());
        } catch (IOException e) {
            return Status.BAD;
        }
        Attempt a = attempts.get(new Key(part, length, kind));
        if (a == null || !a.state().equals(now) || !a.digest().isDone() || a.digest().isCompletedExceptionally()) {
            return Status.UNKNOWN;
        }
        return Arrays.equals(a.digest().join(), expected) ? Status.GOOD : Status.BAD;
    }

    /**
     * Whether the last hashing of {@code file} (changed since or not) gave another digest than {@code expected};
     * for the listing, without touching the disk.
     */
    public boolean knownBad(PartFile part, long length, ChecksumKind kind, byte[] expected) {
        Attempt a = attempts.get(new Key(part, length, kind));
        return a != null && a.digest().isDone() && !a.digest().isCompletedExceptionally()
                && !Arrays.equals(a.digest().join(), expected);
    }

    /**
     * Returns once {@code file} has {@code length} bytes whose {@code kind} digest is {@code expected}, hashing
     * it (with {@code buf}) unless it was hashed unchanged before.
     *
     * @throws VerificationException if its digest is another
     * @throws CorruptInputException if it does not have {@code length} bytes
     * @throws IOException if it cannot be read
     */
    public void check(PartFile part, ChecksumKind kind, byte[] expected, long length, byte[] buf) throws IOException {
        Path file = part.file();
        String name = "part " + part.describe(length);
        FileState now = stateOf(file);
        if (part.whole() ? now.size() != length : now.size() - part.offset() < length) {
            throw new CorruptInputException(name + ": the file has " + now.size() + " bytes; the template needs "
                    + length);
        }
        Key key = new Key(part, length, kind);
        byte[] digest;
        while (true) {
            Attempt a = attempts.get(key);
            if (a != null && a.state().equals(now)) {
                digest = await(a, name);
                if (digest != null) {
                    break;
                }
                attempts.remove(key, a); // that hashing failed: try again, from this thread
                continue;
            }
            Attempt mine = new Attempt(now, new CompletableFuture<>());
            boolean won = a == null ? attempts.putIfAbsent(key, mine) == null : attempts.replace(key, a, mine);
            if (!won) {
                continue;
            }
            try {
                byte[] d = hash(part, kind, length, buf);
                if (!stateOf(file).equals(now)) {
                    throw new SpindeltaException(name + " changed while it was being checked");
                }
                mine.digest().complete(d);
                digest = d;
                break;
            } catch (IOException | RuntimeException e) {
                mine.digest().completeExceptionally(e);
                attempts.remove(key, mine);
                throw e;
            }
        }
        if (!Arrays.equals(digest, expected)) {
            throw new VerificationException(name + " has " + kind.label() + " " + Sha256.hex(digest)
                    + " but the template wants " + Sha256.hex(expected) + "; it is not served");
        }
    }

    /** The digest of another thread's hashing, or null if it failed. */
    private static byte[] await(Attempt a, String name) throws IOException {
        try {
            return a.digest().get();
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpindeltaException("interrupted while " + name + " was being checked");
        }
    }

    private static byte[] hash(PartFile part, ChecksumKind kind, long length, byte[] buf) throws IOException {
        MessageDigest md = kind.newDigest();
        try (FileChannel ch = FileChannel.open(part.file(), StandardOpenOption.READ)) {
            ByteBuffer bb = ByteBuffer.wrap(buf);
            long done = 0;
            while (done < length) {
                bb.clear().limit((int) Math.min(buf.length, length - done));
                int n = ch.read(bb, part.offset() + done);
                if (n < 0) {
                    throw new CorruptInputException("part " + part.describe(length) + " ended at byte " + done + " of "
                            + length
                            + " while it was being checked");
                }
                md.update(buf, 0, n);
                done += n;
            }
        }
        return md.digest();
    }

    /** The file's identity, size and times, following symbolic links. */
    static FileState stateOf(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        if (!a.isRegularFile()) {
            throw new SpindeltaException("part " + file + " is not a regular file");
        }
        Object ctime = null;
        try {
            ctime = Files.getAttribute(file, "unix:ctime");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // no unix view here: identity, size and mtime only
        }
        return new FileState(Objects.requireNonNullElse(a.fileKey(), file.toAbsolutePath()), a.size(),
                a.lastModifiedTime(), ctime);
    }
}
