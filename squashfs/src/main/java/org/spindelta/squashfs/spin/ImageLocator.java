package org.spindelta.squashfs.spin;

import static org.spindelta.squashfs.format.SquashfsConstants.SUPERBLOCK_SIZE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import org.spindelta.core.LittleEndian;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.chunk.ChunkMap;
import org.spindelta.squashfs.chunk.PathTable;
import org.spindelta.squashfs.format.SquashfsConstants;
import org.spindelta.squashfs.format.SuperBlock;
import org.spindelta.squashfs.read.SquashfsImage;

/**
 * Finds the SquashFS images a file carries: the file itself, or images inside a container such as a
 * live ISO, which stores its root filesystem as one file extent on a 2048-byte sector boundary. The
 * scan reads the file once, sequentially, and tries every {@value #ALIGNMENT}-byte boundary whose first
 * four bytes are "hsqs"; a candidate counts only if its superblock is valid and its whole chunk map
 * builds (every table and block checked), so stray magic bytes inside other data are not mistaken for an
 * image. An image ends at bytes_used: what follows (its 4 KiB padding, the rest of the container)
 * belongs to the container.
 */
public final class ImageLocator {
    /** Candidate boundary: the smallest sector size that places images (512-byte disk sectors). */
    public static final int ALIGNMENT = 512;
    private static final int BUFFER = 1 << 20;

    /** An image found at {@code [offset, offset + length)} of the file, with its chunk map. */
    public record Found(long offset, long length, SquashfsImage image, ChunkMap map) {
    }

    private ImageLocator() {}

    /**
     * The images in {@code file}, in file order, non-overlapping. The images stay open on the channel;
     * the caller closes the channel (closing the images is not needed).
     */
    public static List<Found> find(FileChannel file) throws IOException {
        return find(file, new PathTable());
    }

    /**
     * {@link #find(FileChannel)}, the images' paths interned in {@code paths} (see {@link
     * ChunkMap#build(SquashfsImage, PathTable)}).
     */
    public static List<Found> find(FileChannel file, PathTable paths) throws IOException {
        List<Found> found = new ArrayList<>();
        long size = file.size();
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        byte[] head = new byte[SUPERBLOCK_SIZE];
        long pos = 0;
        while (pos + SUPERBLOCK_SIZE <= size) {
            buf.clear();
            int n = 0;
            while (buf.hasRemaining()) {
                int r = file.read(buf, pos + n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            long next = pos + Math.max(ALIGNMENT, n - n % ALIGNMENT);
            for (int i = 0; i + 4 <= n; i += ALIGNMENT) {
                if (LittleEndian.getInt(buf.array(), i) != SquashfsConstants.MAGIC) {
                    continue;
                }
                long at = pos + i;
                Found f = tryImage(file, at, size - at, head, paths);
                if (f != null) {
                    found.add(f);
                    // continue after the image, on the next boundary
                    next = at + (f.length() + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
                    break;
                }
            }
            pos = next;
        }
        return found;
    }

    private static Found tryImage(FileChannel file, long at, long room, byte[] head, PathTable paths)
            throws IOException {
        if (room < SUPERBLOCK_SIZE) {
            return null;
        }
        try {
            file.read(ByteBuffer.wrap(head), at);
            long used = SuperBlock.parse(head, room).bytesUsed();
            SquashfsImage image = SquashfsImage.open(file, at, used);
            return new Found(at, used, image, ChunkMap.build(image, paths));
        } catch (SpindeltaException e) {
            return null; // magic bytes that do not start a valid image
        }
    }
}
