package org.spindelta.jigdo.rebuild;

import org.spindelta.jigdo.format.DescEntry;
import org.spindelta.jigdo.format.JigdoBase64;

/**
 * What identifies a part a template needs: its checksum (MD5 or SHA-256, in jigdo base64, as the
 * {@code .jigdo} file's {@code [Parts]} keys are written) and its length.
 */
public record PartKey(String checksum, long length) {
    public static PartKey of(DescEntry matched) {
        return new PartKey(JigdoBase64.encode(matched.checksum()), matched.length());
    }

    @Override
    public String toString() {
        return checksum + " (" + length + " bytes)";
    }
}
