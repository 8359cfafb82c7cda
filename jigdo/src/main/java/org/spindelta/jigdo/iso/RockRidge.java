package org.spindelta.jigdo.iso;

import static org.spindelta.jigdo.iso.IsoConstants.MAX_CONTINUATIONS;
import static org.spindelta.jigdo.iso.IsoConstants.MAX_NAME;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What this reader takes from a record's SUSP entries (IEEE P1281 §5, Rock Ridge P1282 §4): the
 * alternate name (NM, continued over several entries and continuation areas, CE) and the POSIX file
 * type (PX), so symlinks and device nodes are not taken for empty regular files. Everything else
 * (times, links, relocation) is skipped: a jigdo template needs only file data and a name to find it by.
 */
final class RockRidge {
    /** S_IFMT and S_IFREG of the PX entry's st_mode. */
    private static final long S_IFMT = 0170000;
    private static final long S_IFREG = 0100000;
    private static final int NM_SELF_OR_PARENT = 2 | 4;

    /** Reads a continuation area: {@code length} bytes at logical block {@code block}, offset {@code offset}. */
    interface AreaReader {
        byte[] read(long block, long offset, long length) throws IOException;
    }

    String name;
    boolean regular = true;
    private final ByteArrayOutputStream nm = new ByteArrayOutputStream();
    private boolean nameSeen;

    /** Parses the entries of {@code [from, to)} of {@code b}, following CE continuation areas. */
    static RockRidge parse(byte[] b, int from, int to, AreaReader areas, String where) throws IOException {
        RockRidge rr = new RockRidge();
        int continuations = 0;
        while (true) {
            long[] ce = rr.entries(b, from, to, where);
            if (ce == null) {
                break;
            }
            if (++continuations > MAX_CONTINUATIONS) {
                throw new org.spindelta.core.CorruptInputException("ISO 9660 " + where + ": more than "
                        + MAX_CONTINUATIONS + " SUSP continuation areas (a loop?)");
            }
            b = areas.read(ce[0], ce[1], ce[2]);
            from = 0;
            to = b.length;
        }
        if (rr.nameSeen) {
            rr.name = new String(rr.nm.toByteArray(), StandardCharsets.UTF_8);
        }
        return rr;
    }

    /** Parses one run of entries; returns the CE entry's block, offset and length, or null. */
    private long[] entries(byte[] b, int from, int to, String where) throws IOException {
        long[] next = null;
        int p = from;
        while (to - p >= 4) {
            int len = b[p + 2] & 0xFF;
            if (len < 4 || len > to - p) {
                break; // padding or a damaged tail: P1281 §5.1 lets readers stop at an entry that does not fit
            }
            char s0 = (char) (b[p] & 0xFF);
            char s1 = (char) (b[p + 1] & 0xFF);
            if (s0 == 'S' && s1 == 'T') {
                break; // §5.4 terminator
            } else if (s0 == 'C' && s1 == 'E' && len >= 28) {
                next = new long[] {DirectoryRecord.bothEndian32(b, p + 4, where, "CE block"),
                    DirectoryRecord.bothEndian32(b, p + 12, where, "CE offset"),
                    DirectoryRecord.bothEndian32(b, p + 20, where, "CE length")};
            } else if (s0 == 'N' && s1 == 'M' && len >= 5) {
                int flags = b[p + 4] & 0xFF;
                if ((flags & NM_SELF_OR_PARENT) == 0) {
                    if (nm.size() + len - 5 > MAX_NAME) {
                        throw new org.spindelta.core.CorruptInputException("ISO 9660 " + where
                                + ": Rock Ridge name longer than " + MAX_NAME + " bytes");
                    }
                    nm.write(b, p + 5, len - 5);
                    nameSeen = true;
                }
            } else if (s0 == 'P' && s1 == 'X' && len >= 12) {
                long mode = DirectoryRecord.bothEndian32(b, p + 4, where, "PX mode");
                regular = (mode & S_IFMT) == S_IFREG;
            }
            p += len;
        }
        return next;
    }
}
