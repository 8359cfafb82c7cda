package org.spindelta.squashfs.read;

import static org.spindelta.squashfs.format.SquashfsConstants.BLOCK_SIZE_MASK;
import static org.spindelta.squashfs.format.SquashfsConstants.BLOCK_UNCOMPRESSED_BIT;

import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.format.Inode;

/**
 * Where a regular file's data blocks lie (reference doc §1 "Data blocks"): one after another from
 * blocks_start, each with its stored size (0 = a sparse block of zeros, nothing on disk), whether it is
 * stored raw (bit 24), and the length it must decode to. The block count must follow from the file size
 * and whether the tail is in a fragment; no size field may set bits above bit 24 or exceed block_size,
 * and all blocks must lie inside the data area, in checked arithmetic (§6 item 7).
 */
public final class FileLayout {
    private final Inode.File file;
    private final int blockSize;
    private final long[] offsets;

    private FileLayout(Inode.File file, int blockSize, long[] offsets) {
        this.file = file;
        this.blockSize = blockSize;
        this.offsets = offsets;
    }

    /**
     * The layout of {@code file} in {@code image}.
     *
     * @param path names the file in messages; may be null
     * @throws CorruptInputException if the block list disagrees with the size or lies outside the data area
     */
    public static FileLayout of(SquashfsImage image, Inode.File file, String path) throws CorruptInputException {
        int blockSize = image.superBlock().blockSize();
        int[] sizes = file.blockSizes();
        long whole = Long.divideUnsigned(file.size(), blockSize);
        long count = file.hasFragment() || Long.remainderUnsigned(file.size(), blockSize) == 0 ? whole : whole + 1;
        if (sizes.length != count) {
            throw new CorruptInputException(name(file, path) + ": " + sizes.length + " block sizes, but its size "
                    + Long.toUnsignedString(file.size()) + (file.hasFragment() ? " with" : " without")
                    + " a fragment needs " + Long.toUnsignedString(count));
        }
        long[] o = new long[sizes.length + 1];
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            o[i] = total;
            int v = sizes[i];
            if ((v & ~(BLOCK_SIZE_MASK | BLOCK_UNCOMPRESSED_BIT)) != 0) {
                throw new CorruptInputException(String.format("%s: block %d size field 0x%08x sets bits above bit 24",
                        name(file, path), i, v));
            }
            int onDisk = v & BLOCK_SIZE_MASK;
            if (onDisk > blockSize) {
                throw new CorruptInputException(name(file, path) + ": block " + i + " stores " + onDisk
                        + " bytes, more than block_size " + blockSize);
            }
            total = Math.addExact(total, onDisk);
        }
        o[sizes.length] = total;
        FileLayout layout = new FileLayout(file, blockSize, o);
        for (int i = 0; i < sizes.length; i++) {
            // a block stored uncompressed holds exactly its decoded bytes
            if (!layout.sparse(i) && !layout.compressed(i) && layout.storedSize(i) != layout.decodedSize(i)) {
                throw new CorruptInputException(name(file, path) + ": block " + i + " is stored uncompressed with "
                        + layout.storedSize(i) + " bytes, but must hold " + layout.decodedSize(i));
            }
        }
        long start = file.blocksStart();
        if (total > 0) {
            // blocks_start is unsigned on disk: a negative long is beyond any image
            if (start < image.dataStart() || start > image.dataEnd() || total > image.dataEnd() - start) {
                throw new CorruptInputException(name(file, path) + ": data blocks at byte "
                        + Long.toUnsignedString(start) + " (" + total + " bytes) lie outside the data area ["
                        + image.dataStart() + ", " + image.dataEnd() + ")");
            }
        }
        return layout;
    }

    public Inode.File file() {
        return file;
    }

    /** Blocks in the block list (sparse ones included); the fragment tail is not one of them. */
    public int blockCount() {
        return offsets.length - 1;
    }

    /** Image offset of block {@code i} (for a sparse block: where it would lie, it takes no bytes). */
    public long position(int i) {
        return file.blocksStart() + offsets[i];
    }

    /** Bytes block {@code i} takes on disk; 0 for a sparse block. */
    public int storedSize(int i) {
        return file.blockSizes()[i] & BLOCK_SIZE_MASK;
    }

    public boolean sparse(int i) {
        return storedSize(i) == 0;
    }

    /** Whether block {@code i} is stored compressed (bit 24 clear); a sparse block is neither. */
    public boolean compressed(int i) {
        return (file.blockSizes()[i] & BLOCK_UNCOMPRESSED_BIT) == 0;
    }

    /** The bytes block {@code i} must decode to: block_size, or the rest of the file for a last short block. */
    public int decodedSize(int i) {
        if (i < blockCount() - 1 || file.hasFragment()) {
            return blockSize;
        }
        int rem = (int) Long.remainderUnsigned(file.size(), blockSize);
        return rem == 0 ? blockSize : rem;
    }

    /** Bytes of the tail kept in a fragment block; 0 without a fragment. */
    public int tailLength() {
        return file.hasFragment() ? (int) Long.remainderUnsigned(file.size(), blockSize) : 0;
    }

    /** Bytes all the blocks take on disk. */
    public long storedTotal() {
        return offsets[offsets.length - 1];
    }

    static String name(Inode.File file, String path) {
        String n = "file inode " + file.header().inodeNumber();
        return path == null ? n : "\"" + path + "\" (" + n + ")";
    }
}
