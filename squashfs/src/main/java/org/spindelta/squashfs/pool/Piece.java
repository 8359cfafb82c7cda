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

    /** A chunk holding {@code length} bytes of a piece's content. */
    record Part(ChunkId id, int length) {
    }

    /** The chunks whose contents, laid end to end, are the piece's content: usually just {@link #id()}. */
    java.util.List<Part> chunks();

    /**
     * The image's bytes are the chunk's content as it is.
     *
     * @param parts empty when the content is the chunk {@code id} itself; else the chunks whose contents, end
     *     to end, are the content: an uncompressed fragment block (mksquashfs stores a block as it is when
     *     compressing does not shrink it: tails of .gz, .png, .mo files) cut into groups of the file tails it
     *     packs, as {@link Recompressed#parts} does for compressed ones
     */
    record Literal(ChunkId id, int contentLength, java.util.List<Part> parts) implements Piece {
        public Literal {
            parts = checkParts(parts, contentLength);
        }

        public Literal(ChunkId id, int contentLength) {
            this(id, contentLength, java.util.List.of());
        }

        @Override
        public int imageLength() {
            return contentLength;
        }

        @Override
        public java.util.List<Part> chunks() {
            return parts.isEmpty() ? java.util.List.of(new Part(id, contentLength)) : parts;
        }
    }

    private static java.util.List<Part> checkParts(java.util.List<Part> parts, int contentLength) {
        parts = java.util.List.copyOf(parts);
        if (parts.size() == 1) {
            throw new IllegalArgumentException("a block of one part is the part itself");
        }
        long sum = parts.stream().mapToLong(Part::length).sum();
        if (!parts.isEmpty() && sum != contentLength) {
            throw new IllegalArgumentException("parts add up to " + sum + " bytes, the content has " + contentLength);
        }
        return parts;
    }

    /**
     * The image's bytes are the chunk's content (a block's decoded bytes) compressed again with the encoder
     * of image {@code image} of the recipe; for a metadata block behind its 2-byte header.
     *
     * @param storedLength bytes of the compressed block (a metadata block's header not included)
     * @param storedId SHA-256 of the piece's bytes in the image (header included): each rebuilt block is
     *     checked against it, and an add that meets these stored bytes again need not decode them
     * @param parts empty when the content is the chunk {@code id} itself; else the chunks whose contents, end
     *     to end, are the content (whose SHA-256 is still {@code id}): a fragment block cut into groups of the
     *     file tails it packs (see {@link FragmentParts}), so the same files packed into other fragment blocks
     *     are the same chunks
     */
    record Recompressed(ChunkId id, int contentLength, int image, boolean metadata, int storedLength,
            ChunkId storedId, java.util.List<Part> parts) implements Piece {
        public Recompressed {
            parts = checkParts(parts, contentLength);
        }

        @Override
        public java.util.List<Part> chunks() {
            return parts.isEmpty() ? java.util.List.of(new Part(id, contentLength)) : parts;
        }

        @Override
        public int imageLength() {
            return storedLength + (metadata ? SquashfsConstants.METADATA_HEADER_SIZE : 0);
        }
    }
}
