package org.spindelta.squashfs.chunk;

/**
 * One file's use of a data or fragment block: the block's decoded bytes {@code [blockOffset,
 * blockOffset + length)} are the file's bytes {@code [fileOffset, fileOffset + length)}.
 *
 * @param pathId the file's path in the image: its number in the map's {@link ChunkMap#paths()}
 * @param inodeNumber its inode number; hard links share it, duplicate files do not
 */
public record ChunkUse(int pathId, long inodeNumber, long fileOffset, int blockOffset, int length) {
}
