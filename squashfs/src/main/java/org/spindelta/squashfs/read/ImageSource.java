package org.spindelta.squashfs.read;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.InputFile;

/**
 * The bytes of one SquashFS image: a region {@code [base, base + length)} of a file channel, so an
 * image can be read where it lies inside a larger file (an ISO 9660 extent, a firmware blob). All
 * positions this class takes are relative to the image start. Reads are positional, so one source
 * serves any number of threads at once.
 */
public final class ImageSource implements Closeable {
    private final FileChannel channel;
    private final long base;
    private final long length;
    private final boolean owned;

    private ImageSource(FileChannel channel, long base, long length, boolean owned) {
        this.channel = channel;
        this.base = base;
        this.length = length;
        this.owned = owned;
    }

    /**
     * Opens a whole file as an image; {@link #close()} closes the file.
     *
     * @throws org.spindelta.core.SpindeltaException naming the file when it is missing, a directory or unreadable
     */
    public static ImageSource open(Path file) throws IOException {
        FileChannel ch = InputFile.open(file, "image");
        try {
            return new ImageSource(ch, 0, ch.size(), true);
        } catch (RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * An image at {@code [offset, offset + length)} of {@code channel}. The channel stays the caller's:
     * {@link #close()} leaves it open.
     *
     * @throws IllegalArgumentException if {@code offset} or {@code length} is negative or their sum overflows
     * @throws CorruptInputException if the region runs past the end of the channel
     */
    public static ImageSource region(FileChannel channel, long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || offset > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("bad image region: offset " + offset + ", length " + length);
        }
        long size = channel.size();
        if (offset + length > size) {
            throw new CorruptInputException("image region [" + offset + ", " + (offset + length)
                    + ") runs past the end of the file (" + size + " bytes)");
        }
        return new ImageSource(channel, offset, length, false);
    }

    /** Bytes in the image region. */
    public long length() {
        return length;
    }

    /** Where the image starts in its file. */
    public long base() {
        return base;
    }

    /**
     * Reads exactly {@code len} bytes at image position {@code pos}.
     *
     * @param what names the structure being read, for the message
     * @throws CorruptInputException if {@code [pos, pos + len)} is not inside the image, or the file ends
     *     early (it shrank since it was opened)
     */
    public void read(long pos, byte[] b, int off, int len, String what) throws IOException {
        if (pos < 0 || pos > length || len > length - pos) {
            throw new CorruptInputException(what + " at byte " + Long.toUnsignedString(pos) + " (" + len
                    + " bytes) lies outside the image of " + length + " bytes");
        }
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        long p = base + pos;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, p);
            if (n < 0) {
                throw new CorruptInputException(what + " at byte " + pos + " (" + len + " bytes): the file ends at byte "
                        + (p - base) + " of the image");
            }
            p += n;
        }
    }

    /** Reads a little-endian u64 at image position {@code pos}. */
    public long readLong(long pos, String what) throws IOException {
        byte[] b = new byte[8];
        read(pos, b, 0, 8, what);
        return org.spindelta.core.LittleEndian.getLong(b, 0);
    }

    /** Closes the file if this source opened it. */
    @Override
    public void close() throws IOException {
        if (owned) {
            channel.close();
        }
    }
}
