package org.spindelta.bsdiff.format;

import java.nio.charset.StandardCharsets;

/** Every on-disk constant of the patch formats this module reads and writes, named once. */
public final class FormatConstants {
    private FormatConstants() {}

    // --- BSDIFF40 (Percival's bsdiff 4.x, bsdiff.c header comment) ---
    /** "BSDIFF40": 8-byte magic of the classic format. */
    public static final byte[] BSDIFF40_MAGIC = "BSDIFF40".getBytes(StandardCharsets.US_ASCII);
    /** magic(8) + ctrl length(8) + diff length(8) + new size(8). */
    public static final int BSDIFF40_HEADER_SIZE = 32;
    /** One control triple: diff length, extra length, seek; each an 8-byte sign-magnitude integer. */
    public static final int CONTROL_ENTRY_SIZE = 24;
    /** bsdiff 4.3 compresses each block with BZ2_bzWriteOpen(..., 9, ...). */
    public static final int BZIP2_LEVEL = 9;

    // --- spindelta's trailer inside BSDIFF40's control stream (docs/formats/bsdiff40-trailer.md) ---
    public static final byte[] TRAILER_MAGIC = "SPDTRL01".getBytes(StandardCharsets.US_ASCII);
    /** magic(8) + old size(8) + SHA-256 old(32) + SHA-256 new(32). */
    public static final int TRAILER_SIZE = 8 + 8 + 32 + 32;

    // --- ENDSLEY/BSDIFF43 (mendsley/bsdiff, bsdiff.c) ---
    public static final byte[] BSDIFF43_MAGIC = "ENDSLEY/BSDIFF43".getBytes(StandardCharsets.US_ASCII);
    /** magic(16) + new size(8), then one bzip2 stream of interleaved records. */
    public static final int BSDIFF43_HEADER_SIZE = 24;

    // --- SPDW: spindelta windowed patch (docs/formats/spdw.md) ---
    public static final byte[] SPDW_MAGIC = "SPDWIN\r\n".getBytes(StandardCharsets.US_ASCII);
    public static final int SPDW_VERSION = 1;
    /** magic(8) version(1) codec(1) reserved(2) windows(4) old size(8) new size(8) sha old(32) sha new(32). */
    public static final int SPDW_HEADER_SIZE = 96;
    /** Per window: new length(4) reserved(4) compressed length(8) stream length(8). */
    public static final int SPDW_WINDOW_ENTRY_SIZE = 24;
    /** CRC32 of header and window table, after the table. */
    public static final int SPDW_TABLE_CRC_SIZE = 4;
    /** A window never produces more than this many new bytes, so apply buffers stay small. */
    public static final long SPDW_MAX_WINDOW = 1L << 31;
    /** Upper bound on the window count: a window covers at least one byte, and the table must fit a sane size. */
    public static final int SPDW_MAX_WINDOWS = 1 << 24;
    /** In an SPDW window stream a record is diff length(8) extra length(8) old position(8), little-endian two's complement. */
    public static final int SPDW_RECORD_SIZE = 24;

    /** The longest magic, so one read can tell the formats apart. */
    public static final int MAX_MAGIC_LENGTH = 16;

    // --- block delta: one small buffer against another, in memory (docs/formats/block-delta.md) ---
    /** A block delta never makes more than this many bytes (the pool's largest chunk is 1 MiB). */
    public static final int BLOCK_DELTA_MAX_NEW = 1 << 24;
    /** Nor reads an old buffer larger than this. */
    public static final int BLOCK_DELTA_MAX_OLD = 1 << 26;
    /** Longest unsigned LEB128 varint a block delta holds (a 32-bit value). */
    public static final int BLOCK_DELTA_MAX_VARINT = 5;
}
