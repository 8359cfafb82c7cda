package org.spindelta.jigdo.iso;

/** ISO 9660 (ECMA-119, 4th edition) and SUSP/Rock Ridge (IEEE P1281/P1282) constants this reader uses. */
final class IsoConstants {
    /** ECMA-119 §6.1.2: the logical sector is 2048 bytes. */
    static final int SECTOR = 2048;
    /** §6.2.1: the first 16 sectors are the system area; volume descriptors start at sector 16. */
    static final int FIRST_DESCRIPTOR_SECTOR = 16;
    /** Volume descriptors read before giving up when no terminator appears (real images have 2–5). */
    static final int MAX_DESCRIPTORS = 64;
    /** §8.1.1: volume descriptor types. */
    static final int TYPE_PRIMARY = 1;
    static final int TYPE_TERMINATOR = 255;
    /** §8.1.2: the standard identifier "CD001" at bytes 1..5 of every volume descriptor. */
    static final byte[] STANDARD_ID = {'C', 'D', '0', '0', '1'};

    // §8.4: primary volume descriptor fields (byte offsets)
    static final int PVD_VOLUME_SPACE_SIZE = 80;   // both-endian u32, in logical blocks
    static final int PVD_LOGICAL_BLOCK_SIZE = 128; // both-endian u16
    static final int PVD_ROOT_RECORD = 156;        // the root directory's record, 34 bytes

    // §9.1: directory record fields (byte offsets)
    static final int DR_LENGTH = 0;
    static final int DR_XAR_LENGTH = 1;
    static final int DR_EXTENT = 2;       // both-endian u32, logical block number
    static final int DR_DATA_LENGTH = 10; // both-endian u32, bytes
    static final int DR_FLAGS = 25;
    static final int DR_NAME_LENGTH = 32;
    static final int DR_NAME = 33;
    /** §9.1: a record with a 1-byte identifier is 34 bytes, the least a record can be. */
    static final int DR_MIN_LENGTH = 34;

    // §9.1.6: file flags
    static final int FLAG_DIRECTORY = 0x02;
    /** Set on every extent record of a file but its last (multi-extent files, ISO level 3). */
    static final int FLAG_MULTI_EXTENT = 0x80;

    /** Directory nesting followed at most: ECMA allows 8 levels, Rock Ridge trees go deeper; loops stop at this. */
    static final int MAX_DEPTH = 255;
    /** Continuation areas (SUSP CE) followed per record at most. */
    static final int MAX_CONTINUATIONS = 32;
    /** Longest Rock Ridge name assembled from NM entries (Linux's NAME_MAX is 255; xorriso allows 1023). */
    static final int MAX_NAME = 1024;

    private IsoConstants() {}
}
