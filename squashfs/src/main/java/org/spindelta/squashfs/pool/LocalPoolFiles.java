package org.spindelta.squashfs.pool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.LimitExceededException;
import org.spindelta.core.SpindeltaException;

/** A pool in a local directory. Files are opened per read: packs are immutable, so no handle is kept. */
public final class LocalPoolFiles implements PoolFiles {
    private final Path root;

    public LocalPoolFiles(Path root) {
        this.root = root;
    }

    @Override
    public String location() {
        return root.toString();
    }

    private Path resolve(String path) {
        return root.resolve(path);
    }

    @Override
    public byte[] read(String path, long max) throws IOException {
        try (FileChannel ch = FileChannel.open(resolve(path), StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > max) {
                throw new LimitExceededException(resolve(path) + " is " + size + " bytes, over the limit " + max, size, max);
            }
            byte[] b = new byte[(int) size];
            ChannelInput.readFully(ch, 0, b, 0, b.length, path);
            return b;
        } catch (NoSuchFileException e) {
            throw new SpindeltaException(resolve(path) + " does not exist");
        }
    }

    @Override
    public byte[] readRange(String path, long offset, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(resolve(path), StandardOpenOption.READ)) {
            if (offset + length > ch.size()) {
                throw new org.spindelta.core.CorruptInputException(resolve(path) + " is " + ch.size()
                        + " bytes, its index expects at least " + (offset + length));
            }
            byte[] b = new byte[length];
            ChannelInput.readFully(ch, offset, b, 0, length, path);
            return b;
        } catch (NoSuchFileException e) {
            throw new SpindeltaException(resolve(path) + " does not exist");
        }
    }

    /** Whether a file exists (writers only: HTTP readers learn what exists from the recipes). */
    boolean exists(String path) {
        return Files.exists(resolve(path));
    }

    @Override
    public void close() {
    }
}
