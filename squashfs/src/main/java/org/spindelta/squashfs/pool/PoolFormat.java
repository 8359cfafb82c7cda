package org.spindelta.squashfs.pool;

import java.nio.charset.StandardCharsets;

/** Names, magics and limits of the on-disk pool (docs/formats/pool.md), each stated once. */
public final class PoolFormat {
    /** First line of {@code POOL/pool}: marks the directory as a pool and names the format version. */
    public static final String MARKER_TEXT = "spindelta-pool 1\n";
    public static final String MARKER_FILE = "pool";
    public static final String LOCK_FILE = "lock";
    public static final String PACKS_DIR = "packs";
    public static final String IMAGES_DIR = "images";
    public static final String PACK_SUFFIX = ".pack";
    public static final String INDEX_SUFFIX = ".idx";
    public static final String RECIPE_SUFFIX = ".recipe";

    public static final byte[] RECIPE_MAGIC = "SPDPOOLR".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] INDEX_MAGIC = "SPDPOOLI".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;
    /**
     * Pack index version written: 2 adds delta chunks (a chunk stored as a block delta against other chunks);
     * version 1 indexes (no deltas) are still read.
     */
    public static final int INDEX_VERSION = 2;
    /**
     * Recipe version written: 2 adds literal pieces cut into parts (uncompressed fragment blocks); version 1
     * recipes are still read.
     */
    public static final int RECIPE_VERSION = 2;
    /** Chunks one delta chunk is made from (their contents end to end are the delta's old bytes). */
    public static final int MAX_REFERENCES = 4;

    /**
     * Largest chunk content: a data block decodes to at most the largest SquashFS block size (1 MiB); gaps
     * and long ranges (container bytes, padding) are cut into literal pieces of this size.
     */
    public static final int MAX_CHUNK = 1 << 20;
    /**
     * Decoded bytes a pack segment is closed at (a chunk never spans two). A reader over HTTP fetches whole
     * segments, so this is what a chunk it lacks costs at most. Measured on the Debian xz family
     * (bench/README.md "pool"): 1 MiB instead of 4 MiB made the 11-image pool 4% larger (201.2 against
     * 193.3 MB) and cut the bytes fetched to get upd with loc as source by 28% (36.5 against 50.6 MB).
     */
    public static final int SEGMENT_TARGET = 1 << 20;
    /**
     * Largest decoded segment a reader accepts: a 4 MiB target, which earlier pools used, plus one chunk
     * that did not fit.
     */
    public static final int MAX_SEGMENT = (4 << 20) + MAX_CHUNK;
    /** xz preset of pack segments, with a dictionary of the segment's own length ({@link PackWriter#compress}). */
    public static final int SEGMENT_XZ_PRESET = 6;
    /** xz decoder memory limit for a segment (preset 6 needs ~9 MiB). */
    public static final int SEGMENT_XZ_MEMORY_KIB = 32 * 1024;

    /** Longest image name; names are also file names, so the character set is restricted (see {@link #checkName}). */
    public static final int MAX_NAME = 200;
    /** Images per recipe (a live ISO carries one or two). */
    public static final int MAX_IMAGES = 64;
    /** Packs one recipe may reference. */
    public static final int MAX_PACKS = 100_000;
    /**
     * Pieces per recipe: an 8 GiB image of 4 KiB blocks has 2^21 data blocks; the metadata blocks and gaps
     * come on top.
     */
    public static final int MAX_PIECES = 4 << 20;
    /** Segments per pack: a pack holds at most one add's new content. */
    public static final int MAX_SEGMENTS = 1 << 20;
    /** Chunks per pack index. */
    public static final int MAX_ENTRIES = 8 << 20;
    /** Largest recipe or pack index file read whole (their own counts bound them well below this). */
    public static final long MAX_METADATA_FILE = 512L << 20;
    /** Longest encoder identity or compressor options payload recorded per image. */
    public static final int MAX_INFO_FIELD = 4096;

    private PoolFormat() {}

    /**
     * Image names become file names under {@code images/}: letters, digits, '.', '_', '-' and '+', not
     * starting with '.', so no name can escape the directory or hide as a temporary file.
     */
    public static String checkName(String name) throws org.spindelta.core.FormatException {
        if (name.isEmpty() || name.length() > MAX_NAME || name.startsWith(".")
                || !name.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "._-+".indexOf(c) >= 0))) {
            throw new org.spindelta.core.FormatException("bad image name \"" + printable(name) + "\": 1 to " + MAX_NAME
                    + " of letters, digits, '.', '_', '-', '+', not starting with '.'");
        }
        return name;
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(c -> b.append(c >= 32 && c < 127 ? Character.toString(c) : "?"));
        return b.toString();
    }
}
