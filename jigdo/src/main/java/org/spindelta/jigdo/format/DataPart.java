package org.spindelta.jigdo.format;

/**
 * Where one DATA or BZIP part of a template lies and which unmatched bytes it yields (reference jigdo.md
 * section 1.3). The parts' decompressed bytes, concatenated in file order, are the image's unmatched
 * extents in image order; a part need not align with extents.
 *
 * @param compression zlib (DATA) or bzip2 (BZIP)
 * @param fileOffset where the part's id starts in the template file
 * @param partLength the part's length field: id, both lengths and the stream (the stream is
 *     {@code partLength - 16} bytes)
 * @param dataOffset the offset of its first decompressed byte in the concatenation of all parts
 * @param dataLength decompressed bytes it yields
 */
public record DataPart(PartCompression compression, long fileOffset, long partLength, long dataOffset, long dataLength) {
    /** The file offset of the compressed stream. */
    public long streamOffset() {
        return fileOffset + TemplateFormat.DATA_PART_HEADER;
    }

    /** Bytes of the compressed stream. */
    public long streamLength() {
        return partLength - TemplateFormat.DATA_PART_HEADER;
    }
}
