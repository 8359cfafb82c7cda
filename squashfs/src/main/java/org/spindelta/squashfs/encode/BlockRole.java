package org.spindelta.squashfs.encode;

import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_MAX;

import org.spindelta.squashfs.chunk.ChunkKind;

/**
 * Which of mksquashfs's two compressor streams a block went through. mksquashfs 4.5.1 creates the
 * streams of its data and fragment deflator threads with {@code compressor_init(comp, &stream,
 * block_size, 1)} and the metadata stream with {@code compressor_init(comp, &stream,
 * SQUASHFS_METADATA_SIZE, 0)} (mksquashfs.c); the last argument, {@code datablock}, is what the
 * wrappers look at (xz: no BCJ filters and an 8 KiB dictionary for metadata; gzip: the default
 * strategy only for metadata), and the block size given is the output capacity.
 */
public enum BlockRole {
    /** Data blocks and fragment blocks: capacity the image's block size, datablock = 1. */
    DATA,
    /** Metadata blocks of every table: capacity 8192 ({@code SQUASHFS_METADATA_SIZE}), datablock = 0. */
    METADATA;

    /**
     * The output capacity mksquashfs gives the compressor for a block of this role: the most bytes a
     * block may take compressed, also the most it may hold decoded.
     */
    public int capacity(int blockSize) {
        return this == DATA ? blockSize : METADATA_MAX;
    }

    /**
     * The role of a chunk kind's blocks.
     *
     * @throws IllegalArgumentException for a kind that is not a compressed block (superblock, indexes,
     *     the compressor options block, which mksquashfs always stores raw, padding)
     */
    public static BlockRole of(ChunkKind kind) {
        if (kind == ChunkKind.DATA_BLOCK || kind == ChunkKind.FRAGMENT_BLOCK) {
            return DATA;
        }
        if (kind.metadata()) {
            return METADATA;
        }
        throw new IllegalArgumentException(kind.label() + " is not a block mksquashfs compresses");
    }
}
