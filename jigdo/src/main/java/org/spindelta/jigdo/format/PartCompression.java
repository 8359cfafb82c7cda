package org.spindelta.jigdo.format;

import java.util.Arrays;

/** How a template's part holding unmatched bytes is compressed, by its 4-byte id. */
public enum PartCompression {
    /** "DATA": one complete zlib (RFC 1950) stream. */
    ZLIB(TemplateFormat.ID_DATA),
    /** "BZIP": one complete libbz2 stream ("BZh9..."); template format 1.2 and later. */
    BZIP2(TemplateFormat.ID_BZIP);

    private final byte[] id;

    PartCompression(byte[] id) {
        this.id = id;
    }

    public byte[] id() {
        return id.clone();
    }

    /** The compression whose id is {@code b[off..off+4)}, or null if it is neither DATA nor BZIP. */
    public static PartCompression ofId(byte[] b, int off) {
        for (PartCompression c : values()) {
            if (Arrays.equals(b, off, off + 4, c.id, 0, 4)) {
                return c;
            }
        }
        return null;
    }
}
