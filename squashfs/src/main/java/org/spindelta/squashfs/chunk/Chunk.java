package org.spindelta.squashfs.chunk;

import java.util.List;

/**
 * One byte range of an image and what it holds.
 *
 * @param offset where it starts in the image
 * @param length bytes it takes on disk (for a metadata block: its 2-byte header included)
 * @param kind what it is
 * @param index its number among its kind: the fragment number of a fragment block, the ordinal of a
 *     metadata block within its table; -1 where no such number exists (data blocks: see {@link #uses()})
 * @param compressed whether its bytes are stored compressed
 * @param decodedSize bytes it holds once decompressed (= stored bytes when not compressed)
 * @param uses for data and fragment blocks, every file whose bytes it holds, in walk order; else empty
 */
public record Chunk(long offset, long length, ChunkKind kind, long index, boolean compressed, long decodedSize,
        List<ChunkUse> uses) {
    public Chunk {
        uses = List.copyOf(uses);
    }

    /** First byte after the chunk. */
    public long end() {
        return offset + length;
    }

    /** Bytes of payload: the stored bytes after a metadata block's 2-byte header, else the whole chunk. */
    public long storedPayload() {
        return kind.metadata() ? length - 2 : length;
    }

    /** "data block at 1234 (5678 bytes)", for messages. */
    public String describe() {
        return kind.label() + (index >= 0 ? " " + index : "") + " at byte " + offset + " (" + length + " bytes)";
    }
}
