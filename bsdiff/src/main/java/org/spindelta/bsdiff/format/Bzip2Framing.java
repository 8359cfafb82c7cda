package org.spindelta.bsdiff.format;

/**
 * The framing of a bzip2 stream that BSDIFF40's blocks are made of (bzip2 1.0.8 {@code compress.c}):
 * "BZh" and the level, then blocks that each start with a 48-bit magic and their 32-bit CRC at any bit
 * offset, then a 48-bit end magic and the combined CRC. Shared by the parallel writer, which splices
 * single-block streams into one, and the blockwise reader, which cuts one apart.
 */
public final class Bzip2Framing {
    /** Starts every block (the BCD digits of pi). */
    public static final long BLOCK_MAGIC = 0x314159265359L;
    /** Starts the stream's end (the BCD digits of sqrt(pi)). */
    public static final long END_MAGIC = 0x177245385090L;
    public static final int MAGIC_BITS = 48;
    public static final int CRC_BITS = 32;
    /** "BZh" and the level digit. */
    public static final int HEADER_BITS = 32;

    private Bzip2Framing() {}
}
