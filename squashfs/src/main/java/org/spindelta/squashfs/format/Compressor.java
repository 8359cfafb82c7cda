package org.spindelta.squashfs.format;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.spindelta.core.UnsupportedFormatException;

/**
 * The compressor id at superblock byte 20. Ids are those of squashfs-tools {@code squashfs_fs.h}
 * lines 287-292 (ZLIB=1, LZMA=2, LZO=3, XZ=4, LZ4=5, ZSTD=6); squashfs-tools-ng's format.adoc and
 * the Kaitai spec swap LZO and LZMA, which real images contradict.
 */
public enum Compressor {
    /** zlib streams (RFC 1950); the tools call it "gzip". */
    ZLIB(1, "gzip"),
    /** Legacy .lzma ("LZMA alone") streams; no kernel support, mksquashfs still writes it. */
    LZMA(2, "lzma"),
    /** Raw LZO1X blocks. */
    LZO(3, "lzo"),
    /** Complete .xz streams, one per block. */
    XZ(4, "xz"),
    /** Raw LZ4 blocks (the "legacy" block format, no frame). */
    LZ4(5, "lz4"),
    /** Zstandard frames. */
    ZSTD(6, "zstd");

    private final int id;
    private final String toolName;

    Compressor(int id, String toolName) {
        this.id = id;
        this.toolName = toolName;
    }

    /** The on-disk id, 1..6. */
    public int id() {
        return id;
    }

    /** The name mksquashfs's {@code -comp} takes and unsquashfs {@code -s} prints. */
    public String toolName() {
        return toolName;
    }

    /**
     * The compressor with on-disk id {@code id}.
     *
     * @param offset byte offset of the field, for the message
     * @throws UnsupportedFormatException naming the id and the known ones when it is none of them
     */
    public static Compressor fromId(int id, long offset) throws UnsupportedFormatException {
        for (Compressor c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        throw new UnsupportedFormatException("compressor id " + id + " at byte " + offset
                + " is unknown; SquashFS 4.0 defines " + Arrays.stream(values())
                        .map(c -> c.id + " " + c.toolName).collect(Collectors.joining(", ")));
    }

    /**
     * The compressor mksquashfs calls {@code name} (gzip, lzma, lzo, xz, lz4, zstd).
     *
     * @throws IllegalArgumentException naming the accepted names
     */
    public static Compressor fromToolName(String name) {
        for (Compressor c : values()) {
            if (c.toolName.equals(name.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown compressor '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Compressor::toolName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return toolName;
    }
}
