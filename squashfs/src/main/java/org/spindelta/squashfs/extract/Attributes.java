package org.spindelta.squashfs.extract;

import java.io.IOException;
import java.util.List;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.format.InodeHeader;
import org.spindelta.squashfs.format.Xattr;
import org.spindelta.squashfs.read.SquashfsTree;

/**
 * The attributes an extracted file gets from its inode, read while the (single-threaded) tree is at
 * hand so writer threads never touch it.
 *
 * @param permissions the 12 permission bits of st_mode, setuid, setgid and sticky included
 * @param uid owner, from the id table
 * @param gid group, from the id table
 * @param mtime seconds since 1970; extraction sets atime to it too, as unsquashfs does
 * @param xattrs full names (prefix included) and values, in stored order
 */
record Attributes(int permissions, long uid, long gid, long mtime, List<Xattr> xattrs) {
    /** Permission bits: rwx for user, group, other, plus setuid (04000), setgid (02000) and sticky (01000). */
    static final int PERMISSION_BITS = 07777;

    static Attributes of(SquashfsTree tree, Inode inode) throws IOException {
        InodeHeader h = inode.header();
        return new Attributes(h.permissions() & PERMISSION_BITS, tree.ids().id(h.uidIndex()),
                tree.ids().id(h.gidIndex()), h.mtime(), tree.xattrs(inode));
    }
}
