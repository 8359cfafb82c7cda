package org.spindelta.bsdiff.format;

import org.spindelta.core.UnsupportedFormatException;

/** The compressor of SPDW window streams, with its on-disk id. */
public enum WindowCodec {
    XZ(1),
    ZSTD(2),
    /**
     * Not compressed: for a container that compresses the whole patch solidly (spin patches), where
     * independent windows would each restart the compressor's model.
     */
    STORED(3);

    private final int id;

    WindowCodec(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** The patch format of SPDW patches whose windows use this codec. */
    public PatchFormat format() {
        return switch (this) {
            case XZ -> PatchFormat.SPDW_XZ;
            case ZSTD -> PatchFormat.SPDW_ZSTD;
            case STORED -> PatchFormat.SPDW_STORED;
        };
    }

    /** Strict decoder: an unknown id is an error, never null. */
    public static WindowCodec fromId(int id) throws UnsupportedFormatException {
        for (WindowCodec c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        throw new UnsupportedFormatException("SPDW codec id " + id + " is unknown (1 = xz, 2 = zstd, 3 = stored)");
    }
}
