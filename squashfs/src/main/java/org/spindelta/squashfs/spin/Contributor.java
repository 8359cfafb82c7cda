package org.spindelta.squashfs.spin;

/**
 * What a spin patch does for one path of the target (or one structure: "(inode table)", "(container)"),
 * for {@code explain}: target bytes copied from BASE, decoded bytes shipped into the content diff and the
 * stored bytes they are recompressed into, and stored bytes shipped as they are. A block shared by
 * several paths (a fragment block, duplicate files) is split between them by the bytes each uses.
 */
public record Contributor(String path, long copied, long diffed, long recompressed, long literal) {
    public Contributor {
        if (copied < 0 || diffed < 0 || recompressed < 0 || literal < 0) {
            throw new IllegalArgumentException("negative byte count for " + path);
        }
    }

    /** Bytes this path puts into the content stream (before the content's compression). */
    public long shipped() {
        return diffed + literal;
    }
}
