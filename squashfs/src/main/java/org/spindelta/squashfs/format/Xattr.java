package org.spindelta.squashfs.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One extended attribute of a file (format.adoc "Extended Attributes").
 *
 * @param name the full name, prefix included ("user.mime_type", "security.capability"), as the bytes
 *     getxattr(2) takes
 * @param value the value bytes, at most {@link SquashfsConstants#XATTR_SIZE_MAX}
 */
public record Xattr(byte[] name, byte[] value) {
    public String nameString() {
        return new String(name, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Xattr x && Arrays.equals(name, x.name) && Arrays.equals(value, x.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(name) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return nameString() + " (" + value.length + " bytes)";
    }
}
