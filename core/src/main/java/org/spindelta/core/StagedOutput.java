package org.spindelta.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An output file that becomes visible only when it is complete and verified. Writes go to a
 * temporary file in the target's directory (so the final rename is atomic on the same file
 * system); {@link #commit()} renames it into place, and {@link #close()} without a commit deletes
 * it. Nothing is ever written outside the target's directory.
 */
public final class StagedOutput implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private boolean committed;

    private StagedOutput(Path target, Path temp, FileChannel channel) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
    }

    /**
     * Creates the temporary file beside {@code target}.
     *
     * @throws SpindeltaException if the target's directory does not exist or is not writable, or
     *     the target is a directory
     */
    public static StagedOutput create(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (Files.isDirectory(abs)) {
            throw new SpindeltaException("cannot write " + target + ": it is a directory");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new SpindeltaException("cannot write " + target + ": directory " + dir + " does not exist");
        }
        // Created new (O_EXCL, so never through a planted link) with the mode the umask gives any new file,
        // as cp or tar would: createTempFile's 0600 would make a published .jigdo or patch unreadable to others.
        for (int attempt = 0; ; attempt++) {
            Path temp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".part");
            try {
                FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                return new StagedOutput(target, temp, ch);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw new SpindeltaException("cannot write " + target + ": no free temporary name in " + dir);
                }
            } catch (AccessDeniedException e) {
                throw new SpindeltaException("cannot write " + target + ": permission denied in " + dir);
            } catch (IOException e) {
                throw new SpindeltaException("cannot write " + target + ": " + e.getMessage(), e);
            }
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** The temporary file's channel, open for reading and writing. */
    public FileChannel channel() {
        return channel;
    }

    public Path tempPath() {
        return temp;
    }

    public Path target() {
        return target;
    }

    /** Flushes, closes and renames the temporary file over the target. */
    public void commit() throws IOException {
        channel.force(false);
        channel.close();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw new SpindeltaException("cannot rename the finished output into " + target + ": " + e.getMessage());
        }
        committed = true;
    }

    /** Deletes the temporary file unless {@link #commit()} succeeded. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            try {
                channel.close();
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }
}
