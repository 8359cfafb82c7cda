package org.spindelta.squashfs.spin;

import java.util.Arrays;

/**
 * A recompressed block carried whole so the applier can check its encoder before writing anything:
 * encoding {@code decoded} as target image {@code image} does must give bytes with this SHA-256.
 */
public record Sample(int image, boolean metadata, byte[] decoded, byte[] storedSha256) {
    @Override
    public boolean equals(Object o) {
        return o instanceof Sample s && image == s.image && metadata == s.metadata
                && Arrays.equals(decoded, s.decoded) && Arrays.equals(storedSha256, s.storedSha256);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(storedSha256);
    }

    @Override
    public String toString() {
        return "sample of image " + image + " (" + (metadata ? "metadata" : "data") + ", " + decoded.length
                + " bytes)";
    }
}
