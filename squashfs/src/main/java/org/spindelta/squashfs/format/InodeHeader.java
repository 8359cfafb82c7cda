package org.spindelta.squashfs.format;

/**
 * The 16 bytes every inode starts with.
 *
 * @param type u16 at 0; 1..14
 * @param permissions u16 at 2; the permission bits (07777) of st_mode; the file type comes from {@code type}
 * @param uidIndex u16 at 4; index into the id table, below id_count
 * @param gidIndex u16 at 6; index into the id table, below id_count
 * @param mtime u32 at 8; seconds since 1970 UTC
 * @param inodeNumber u32 at 12; 1..inode_count
 */
public record InodeHeader(InodeType type, int permissions, int uidIndex, int gidIndex, long mtime, long inodeNumber) {
    /** st_mode: file type bits and permissions. */
    public int mode() {
        return type.modeBits() | permissions;
    }
}
