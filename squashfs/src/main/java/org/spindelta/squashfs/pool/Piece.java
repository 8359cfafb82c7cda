package org.spindelta.squashfs.pool;

import org.spindelta.squashfs.format.SquashfsConstants;

/** One piece of an image, in a recipe's order: where its bytes come from. */
public sealed interface Piece {
    /** The chunk the piece is made from. */
    ChunkId id();

    /** Bytes of the chunk's content in the pool. */
    int contentLength();

    /** Bytes the piece takes in the image. */
    int imageLength();

    /** The image's bytes are the chunk's content as it is. */
    record Literal(ChunkId id, int contentLength) implements Piece {
        @Override
        public int imageLength() {
            return contentLength;
        }
    }

    /**
     * The image's bytes are the chunk's content (a block's decoded bytes) compressed again with the encoder
     * of image {@code image} of the recipe; for a metadata block behind its 2-byte header.
     *
     * @param storedLength bytes of the compressed block (a metadata block's header not included)
     * @param storedId SHA-256 of the piece's bytes in the image (header included): each rebuilt block is
     *     checked against it, and an add that meets these stored bytes again need not decode them
     */
    record Recompressed(ChunkId id, int contentLength, int image, boolean metadata, int storedLength,
            ChunkId storedId) implements Piece {
        @Override
        public int imageLength() {
            return storedLength + (metadata ? SquashfsConstants.METADATA_HEADER_SIZE : 0);
        }
    }
}
