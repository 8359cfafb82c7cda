package org.spindelta.jigdo.template;

import java.util.zip.Deflater;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.format.TemplateFormat;

/**
 * How a {@link TemplateWriter} writes: the checksum kind (and so the format version), the DATA part
 * size, the zlib level and the creator named in the header.
 *
 * @param checksum {@link ChecksumKind#MD5} writes format 1.2 with DESC types 5 and 6, what Debian still
 *     publishes and every jigdo client reads; {@link ChecksumKind#SHA256} writes format 2.0, types 8 and 9
 *     (jigdo-file 0.8+, jigit 1.22+)
 * @param dataPartSize uncompressed bytes per DATA part, in [{@value #MIN_DATA_PART_SIZE},
 *     {@value #MAX_DATA_PART_SIZE}]; each part is one independent zlib stream, so a byte range inflates at
 *     most one part's worth beyond its own bytes at each end
 * @param compressionLevel level 0-9 of the DATA parts (libdeflate's where installed, else zlib's)
 * @param creator the header's creator word, e.g. "spindelta/0.1.0": printable ASCII without spaces
 */
public record TemplateOptions(ChecksumKind checksum, int dataPartSize, int compressionLevel, String creator) {
    /** Smallest DATA part: 4 KiB; smaller parts cost more in headers than they save. */
    public static final int MIN_DATA_PART_SIZE = 4096;
    /** Largest DATA part: 64 MiB, the writer's buffer. */
    public static final int MAX_DATA_PART_SIZE = 64 << 20;
    public static final int DEFAULT_DATA_PART_SIZE = TemplateFormat.DEFAULT_DATA_PART_SIZE;
    /** zlib level 9, as libjte ({@code Z_BEST_COMPRESSION}) and jigdo-file's default; unmatched bytes are few. */
    public static final int DEFAULT_COMPRESSION_LEVEL = Deflater.BEST_COMPRESSION;
    public static final String DEFAULT_CREATOR = "spindelta";

    public TemplateOptions {
        if (checksum == null) {
            throw new IllegalArgumentException("checksum kind is required: md5 or sha256");
        }
        if (dataPartSize < MIN_DATA_PART_SIZE || dataPartSize > MAX_DATA_PART_SIZE) {
            throw new IllegalArgumentException("DATA part size " + dataPartSize + " outside [" + MIN_DATA_PART_SIZE
                    + ", " + MAX_DATA_PART_SIZE + "]");
        }
        if (compressionLevel < 0 || compressionLevel > 9) {
            throw new IllegalArgumentException("compression level " + compressionLevel + " outside [0, 9]");
        }
        if (creator == null || creator.isEmpty() || !creator.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException("creator '" + creator + "' must be printable ASCII without spaces");
        }
    }

    /** MD5, format 1.2, 1 MiB parts, level 9. */
    public static TemplateOptions defaults() {
        return of(ChecksumKind.MD5);
    }

    /** The defaults with {@code checksum}. */
    public static TemplateOptions of(ChecksumKind checksum) {
        return new TemplateOptions(checksum, DEFAULT_DATA_PART_SIZE, DEFAULT_COMPRESSION_LEVEL, DEFAULT_CREATOR);
    }

    /** The format version the header and the .jigdo file's {@code [Jigdo] Version} carry. */
    public String version() {
        return checksum == ChecksumKind.MD5 ? TemplateFormat.VERSION_MD5 : TemplateFormat.VERSION_SHA256;
    }

    public TemplateOptions withDataPartSize(int size) {
        return new TemplateOptions(checksum, size, compressionLevel, creator);
    }

    public TemplateOptions withCreator(String name) {
        return new TemplateOptions(checksum, dataPartSize, compressionLevel, name);
    }
}
