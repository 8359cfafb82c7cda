package org.spindelta.squashfs.format;

import java.nio.charset.StandardCharsets;

/**
 * One entry of a directory listing (format.adoc "Directory Table"), resolved against its header.
 *
 * @param name 1..256 bytes, no '/' or NUL, not "." or ".."
 * @param type the basic inode type the entry claims, 1..7; must equal the inode's basic type
 * @param inodeNumber header base + the entry's s16 delta; 1..inode_count
 * @param inodeRef metadata reference of the inode: header start block &lt;&lt; 16 | entry offset
 */
public record DirectoryEntry(byte[] name, InodeType type, long inodeNumber, long inodeRef) {
    public String nameString() {
        return new String(name, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return nameString() + " (" + type + ", inode " + inodeNumber + ", ref 0x" + Long.toHexString(inodeRef) + ")";
    }
}
