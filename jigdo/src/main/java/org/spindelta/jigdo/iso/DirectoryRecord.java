package org.spindelta.jigdo.iso;

import static org.spindelta.jigdo.iso.IsoConstants.DR_DATA_LENGTH;
import static org.spindelta.jigdo.iso.IsoConstants.DR_EXTENT;
import static org.spindelta.jigdo.iso.IsoConstants.DR_FLAGS;
import static org.spindelta.jigdo.iso.IsoConstants.DR_LENGTH;
import static org.spindelta.jigdo.iso.IsoConstants.DR_MIN_LENGTH;
import static org.spindelta.jigdo.iso.IsoConstants.DR_NAME;
import static org.spindelta.jigdo.iso.IsoConstants.DR_NAME_LENGTH;
import static org.spindelta.jigdo.iso.IsoConstants.DR_XAR_LENGTH;
import static org.spindelta.jigdo.iso.IsoConstants.FLAG_DIRECTORY;
import static org.spindelta.jigdo.iso.IsoConstants.FLAG_MULTI_EXTENT;

import java.util.Arrays;
import org.spindelta.core.CorruptInputException;

/**
 * One directory record (ECMA-119 §9.1), checked: its length fits the space it was read from, its
 * identifier and system use area fit the record, and the both-endian fields agree.
 *
 * @param length the record's length in bytes
 * @param extent the first logical block of the extent (after an extended attribute record, if any)
 * @param dataLength bytes of the extent's data
 * @param flags §9.1.6 file flags
 * @param name the file identifier as stored (0x00 and 0x01 name the directory itself and its parent)
 * @param systemUseStart where the system use area (SUSP entries) starts within {@code buf}
 * @param systemUseEnd where it ends
 */
record DirectoryRecord(int length, long extent, long dataLength, int flags, byte[] name, int systemUseStart,
        int systemUseEnd) {

    static DirectoryRecord parse(byte[] buf, int at, int limit, String where) throws CorruptInputException {
        int len = buf[at + DR_LENGTH] & 0xFF;
        if (len < DR_MIN_LENGTH || len > limit - at) {
            throw new CorruptInputException("ISO 9660 " + where + ": directory record of " + len + " bytes at "
                    + at + " (at least " + DR_MIN_LENGTH + ", at most " + (limit - at) + " left in its sector)");
        }
        int nameLength = buf[at + DR_NAME_LENGTH] & 0xFF;
        if (nameLength == 0 || DR_NAME + nameLength > len) {
            throw new CorruptInputException("ISO 9660 " + where + ": identifier of " + nameLength + " bytes does not "
                    + "fit its " + len + "-byte directory record");
        }
        long extent = bothEndian32(buf, at + DR_EXTENT, where, "extent location");
        long dataLength = bothEndian32(buf, at + DR_DATA_LENGTH, where, "data length");
        int xar = buf[at + DR_XAR_LENGTH] & 0xFF;
        int su = at + DR_NAME + nameLength + ((nameLength & 1) == 0 ? 1 : 0); // §9.1.12 padding byte
        byte[] name = Arrays.copyOfRange(buf, at + DR_NAME, at + DR_NAME + nameLength);
        return new DirectoryRecord(len, extent + xar, dataLength, buf[at + DR_FLAGS] & 0xFF, name, Math.min(su,
                at + len), at + len);
    }

    /** §7.3.3: a u32 stored little-endian then big-endian; the two must agree. */
    static long bothEndian32(byte[] b, int at, String where, String field) throws CorruptInputException {
        long le = (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
        long be = (b[at + 7] & 0xFFL) | (b[at + 6] & 0xFFL) << 8 | (b[at + 5] & 0xFFL) << 16 | (b[at + 4] & 0xFFL) << 24;
        if (le != be) {
            throw new CorruptInputException("ISO 9660 " + where + ": " + field + " reads " + le + " little-endian but "
                    + be + " big-endian");
        }
        return le;
    }

    /** §7.2.3: a u16 stored little-endian then big-endian. */
    static int bothEndian16(byte[] b, int at, String where, String field) throws CorruptInputException {
        int le = (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
        int be = (b[at + 3] & 0xFF) | (b[at + 2] & 0xFF) << 8;
        if (le != be) {
            throw new CorruptInputException("ISO 9660 " + where + ": " + field + " reads " + le + " little-endian but "
                    + be + " big-endian");
        }
        return le;
    }

    boolean directory() {
        return (flags & FLAG_DIRECTORY) != 0;
    }

    /** Whether more extents of the same file follow (§9.1.6 bit 7). */
    boolean continues() {
        return (flags & FLAG_MULTI_EXTENT) != 0;
    }

    /** Whether this is the "." or ".." record of a directory. */
    boolean selfOrParent() {
        return name.length == 1 && (name[0] == 0 || name[0] == 1);
    }

    /** The ISO 9660 name without its ";version" suffix and a trailing dot (§7.5.1). */
    String isoName() {
        String s = new String(name, java.nio.charset.StandardCharsets.ISO_8859_1);
        int semi = s.indexOf(';');
        if (semi >= 0) {
            s = s.substring(0, semi);
        }
        if (s.endsWith(".") && s.length() > 1) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
