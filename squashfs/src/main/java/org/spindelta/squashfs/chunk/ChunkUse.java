package org.spindelta.squashfs.chunk;

/**
 * One file's use of a data or fragment block: the block's decoded bytes {@code [blockOffset,
 * blockOffset + length)} are the file's bytes {@code [fileOffset, fileOffset + length)}.
 *
 * @param path the file's path in the image (no leading '/')
 * @param inodeNumber its inode number; hard links share it, duplicate files do not
 */
public record ChunkUse(String path, long inodeNumber, long fileOffset, int blockOffset, int length) {
}
