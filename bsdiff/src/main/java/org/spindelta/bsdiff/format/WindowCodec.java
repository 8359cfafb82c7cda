package org.spindelta.bsdiff.format;

import org.spindelta.core.UnsupportedFormatException;

/** The compressor of SPDW window streams, with its on-disk id. */
public enum WindowCodec {
    XZ(1),
    ZSTD(2);

    private final int id;

    WindowCodec(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** Strict decoder: an unknown id is an error, never null. */
    public static WindowCodec fromId(int id) throws UnsupportedFormatException {
        for (WindowCodec c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        throw new UnsupportedFormatException("SPDW codec id " + id + " is unknown (1 = xz, 2 = zstd)");
    }
}
