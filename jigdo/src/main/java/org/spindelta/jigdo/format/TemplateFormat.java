package org.spindelta.jigdo.format;

import java.nio.charset.StandardCharsets;

/**
 * The constants of the jigdo {@code .template} format, named once (reference jigdo.md section 1; jigdo's
 * {@code doc/TechDetails.txt}). All integers are little-endian; lengths and offsets are 48-bit.
 *
 * <pre>
 * header      "JigsawDownload template VER CREATOR" CRLF, comment CRLF, CRLF
 * DATA|BZIP*  id(4) partLen(6) uncompressedLen(6) stream(partLen - 16)
 * DESC        id(4) descLen(6) entries... descLen(6)     -- last; found from the file's end
 * </pre>
 */
public final class TemplateFormat {
    private TemplateFormat() {}

    /** What every template starts with; readers check only this prefix (jigdo-file {@code JigdoDesc::isTemplate}). */
    public static final String HEADER_PREFIX = "JigsawDownload template ";
    /** Version written for MD5 templates: jigdo-file 0.8's, the first with BZIP parts. */
    public static final String VERSION_MD5 = "1.2";
    /** Version jigdo-file 0.8 and libjte 2.0 write for SHA-256 templates (types 8 and 9). */
    public static final String VERSION_SHA256 = "2.0";
    /** The header's longest line we accept: real ones are under 130 bytes. */
    public static final int MAX_HEADER_LINE = 4096;

    /** Bytes of a 48-bit little-endian length or offset. */
    public static final int LENGTH_FIELD = 6;
    /** Largest value a 48-bit field holds. */
    public static final long MAX_LENGTH = (1L << 48) - 1;
    /** Bytes of a part id ("DATA", "BZIP", "DESC"). */
    public static final int PART_ID = 4;
    /** id(4) + partLen(6). */
    public static final int PART_HEADER = PART_ID + LENGTH_FIELD;
    /** id(4) + partLen(6) + uncompressedLen(6): the bytes of a DATA/BZIP part before its stream. */
    public static final int DATA_PART_HEADER = PART_HEADER + LENGTH_FIELD;
    /** id(4) + descLen(6) + trailing descLen(6): a DESC part with no entries. */
    public static final int DESC_OVERHEAD = PART_HEADER + LENGTH_FIELD;

    public static final byte[] ID_DATA = ascii("DATA");
    public static final byte[] ID_BZIP = ascii("BZIP");
    public static final byte[] ID_DESC = ascii("DESC");

    /**
     * Length of the file head whose rsync64 sum a matched entry records, and the block length the
     * image-info entry carries (jigdo-file's {@code --min-length} default; libjte's MIN_JIGDO_FILE_SIZE).
     */
    public static final int DEFAULT_BLOCK_LENGTH = 1024;

    /**
     * Uncompressed bytes per DATA part this writer emits: libjte's 1 MiB buffer. Small parts keep a byte
     * range cheap (one part inflated at most at each end of the range).
     */
    public static final int DEFAULT_DATA_PART_SIZE = 1 << 20;

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
