package org.spindelta.jigdo.format;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FormatException;
import org.spindelta.core.LimitExceededException;
import org.spindelta.core.LittleEndian;

/**
 * Reads and validates a {@code .template} file of any version jigdo-file, libjte (xorriso) and
 * genisoimage write: 1.0 to 1.2 and 2.0, DATA and BZIP parts, DESC entry types 1, 2, 3, 5, 6, 8 and 9
 * (reference jigdo.md section 1). Like jigdo-file ({@code JigdoDesc::seekFromEnd}) and jigit-mkimage it
 * finds DESC through the length in the file's last 6 bytes; unlike them it then walks every part from
 * the header to DESC and checks that the whole file adds up before anything uses it:
 *
 * <ul>
 *   <li>the header's prefix and three lines; DESC's id and both copies of its length;
 *   <li>every entry's type, and that it lies inside DESC (a counting pass before the arrays are sized);
 *   <li>exactly one image-info entry, one checksum kind, entry lengths summing without overflow to the
 *       image length it records;
 *   <li>every part's id and length inside the file, parts tiling the space between header and DESC,
 *       and their decompressed lengths summing to the unmatched entries' lengths.
 * </ul>
 *
 * Memory: the DESC part (at most {@link Options#maxDescBytes()}) plus 20 bytes per entry and one small
 * object per part.
 */
public final class TemplateReader {
    private TemplateReader() {}

    /**
     * Limits for one read.
     *
     * @param maxDescBytes the largest DESC part accepted (it is held in memory); {@link #DEFAULT_MAX_DESC_BYTES}
     *     holds over a million matched files
     */
    public record Options(long maxDescBytes) {
        /** 32 MiB: a Debian DVD of 10,000 files has a DESC of about 0.5 MiB. */
        public static final long DEFAULT_MAX_DESC_BYTES = 32L << 20;
        /** The largest limit: DESC is held in one array. */
        public static final long MAX_DESC_BYTES = Integer.MAX_VALUE - 16;

        public Options {
            if (maxDescBytes < TemplateFormat.DESC_OVERHEAD || maxDescBytes > MAX_DESC_BYTES) {
                throw new IllegalArgumentException("maxDescBytes " + maxDescBytes + " outside ["
                        + TemplateFormat.DESC_OVERHEAD + ", " + MAX_DESC_BYTES + "]");
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_MAX_DESC_BYTES);
        }
    }

    /** Reads the template in {@code channel} with the default limits. */
    public static Template read(FileChannel channel) throws IOException {
        return read(channel, Options.defaults());
    }

    /**
     * Reads the template in {@code channel}.
     *
     * @throws FormatException if it does not start like a template
     * @throws CorruptInputException if any field is inconsistent (the message names it, its value, what
     *     was allowed and its byte offset)
     * @throws LimitExceededException if DESC is larger than {@code options.maxDescBytes()}
     */
    public static Template read(FileChannel channel, Options options) throws IOException {
        long size = channel.size();
        TemplateHeader header = readHeader(channel, size);
        if (size < header.length() + TemplateFormat.DESC_OVERHEAD) {
            throw new CorruptInputException("template of " + size + " bytes ends after its " + header.length()
                    + "-byte header: no room for the " + TemplateFormat.DESC_OVERHEAD + "-byte DESC part");
        }
        byte[] tail = new byte[TemplateFormat.LENGTH_FIELD];
        ChannelInput.readFully(channel, size - tail.length, tail, 0, tail.length, "template");
        long descLen = uint48(tail, 0);
        long room = size - header.length();
        if (descLen < TemplateFormat.DESC_OVERHEAD || descLen > room) {
            throw new CorruptInputException("DESC length " + descLen + " in the last 6 bytes (at byte "
                    + (size - 6) + ") is outside [" + TemplateFormat.DESC_OVERHEAD + ", " + room
                    + "], the room between the header and the end of the file");
        }
        if (descLen > options.maxDescBytes()) {
            throw new LimitExceededException("DESC part of " + descLen + " bytes is over the limit of "
                    + options.maxDescBytes() + " bytes", descLen, options.maxDescBytes());
        }
        long descOffset = size - descLen;
        byte[] desc = new byte[(int) descLen];
        ChannelInput.readFully(channel, descOffset, desc, 0, desc.length, "template");
        if (!Arrays.equals(desc, 0, 4, TemplateFormat.ID_DESC, 0, 4)) {
            throw new CorruptInputException("no DESC part at byte " + descOffset + " (" + descLen
                    + " bytes from the end, as the last 6 bytes say): found '" + printable(desc, 0, 4) + "'");
        }
        long lead = uint48(desc, TemplateFormat.PART_ID);
        if (lead != descLen) {
            throw new CorruptInputException("DESC part at byte " + descOffset + " says its length is " + lead
                    + " but the file's last 6 bytes say " + descLen);
        }
        return parseDesc(header, size, descOffset, desc, readParts(channel, header.length(), descOffset));
    }

    // Section 1.2: jigdo-file checks only the prefix and that line 3 is empty ("\r").
    private static TemplateHeader readHeader(FileChannel channel, long size) throws IOException {
        int n = (int) Math.min(size, 3L * TemplateFormat.MAX_HEADER_LINE);
        byte[] b = new byte[n];
        ChannelInput.readFully(channel, 0, b, 0, n, "template");
        byte[] prefix = TemplateFormat.HEADER_PREFIX.getBytes(StandardCharsets.US_ASCII);
        if (n < prefix.length || !Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length)) {
            throw new FormatException("not a jigdo template: it does not start with '"
                    + TemplateFormat.HEADER_PREFIX.trim() + "'");
        }
        int[] ends = new int[3];
        int from = 0;
        for (int line = 0; line < 3; line++) {
            int nl = indexOf(b, (byte) '\n', from, Math.min(n, from + TemplateFormat.MAX_HEADER_LINE));
            if (nl < 0) {
                throw new CorruptInputException("template header line " + (line + 1) + " starting at byte " + from
                        + " has no line end within " + TemplateFormat.MAX_HEADER_LINE + " bytes");
            }
            ends[line] = nl;
            from = nl + 1;
        }
        if (!(ends[2] == ends[1] + 1 || (ends[2] == ends[1] + 2 && b[ends[1] + 1] == '\r'))) {
            throw new CorruptInputException("template header line 3 at byte " + (ends[1] + 1)
                    + " is not empty: the header must be 3 lines, the last one empty");
        }
        String first = text(b, prefix.length, ends[0]).trim();
        int space = first.indexOf(' ');
        String version = space < 0 ? first : first.substring(0, space);
        String creator = space < 0 ? "" : first.substring(space + 1).trim();
        return new TemplateHeader(version, creator, text(b, ends[0] + 1, ends[1]), ends[2] + 1);
    }

    // Section 1.3: DATA/BZIP parts tile [header end, DESC start).
    private static DataPart[] readParts(FileChannel channel, long start, long descOffset) throws IOException {
        DataPart[] parts = new DataPart[16];
        int count = 0;
        byte[] h = new byte[TemplateFormat.DATA_PART_HEADER];
        long pos = start;
        long data = 0;
        while (pos < descOffset) {
            if (descOffset - pos < TemplateFormat.DATA_PART_HEADER) {
                throw new CorruptInputException("template part at byte " + pos + " has only " + (descOffset - pos)
                        + " bytes before DESC at byte " + descOffset + ", less than a part's "
                        + TemplateFormat.DATA_PART_HEADER + "-byte header");
            }
            ChannelInput.readFully(channel, pos, h, 0, h.length, "template");
            PartCompression c = PartCompression.ofId(h, 0);
            if (c == null) {
                throw new CorruptInputException("template part at byte " + pos + " has id '" + printable(h, 0, 4)
                        + "'; expected DATA or BZIP before the DESC part at byte " + descOffset);
            }
            long partLen = uint48(h, TemplateFormat.PART_ID);
            if (partLen < TemplateFormat.DATA_PART_HEADER || partLen > descOffset - pos) {
                throw new CorruptInputException(c.name() + " part at byte " + pos + " has length " + partLen
                        + ", outside [" + TemplateFormat.DATA_PART_HEADER + ", " + (descOffset - pos)
                        + "] (it must end by the DESC part at byte " + descOffset + ")");
            }
            long dataLen = uint48(h, TemplateFormat.PART_HEADER);
            if (count == parts.length) {
                parts = Arrays.copyOf(parts, count * 2);
            }
            parts[count++] = new DataPart(c, pos, partLen, data, dataLen);
            data += dataLen; // each term < 2^48 and the sum is checked at every step: it never wraps
            if (data > TemplateFormat.MAX_LENGTH) {
                throw new CorruptInputException("parts up to the one at byte " + pos + " yield " + data
                        + " bytes, more than a 48-bit image can hold");
            }
            pos += partLen;
        }
        return Arrays.copyOf(parts, count);
    }

    // Section 1.4: the entries, counted and checked first, then indexed.
    private static Template parseDesc(TemplateHeader header, long size, long descOffset, byte[] desc, DataPart[] parts)
            throws IOException {
        int end = desc.length - TemplateFormat.LENGTH_FIELD;
        int count = 0;
        int infoIndex = -1;
        ChecksumKind kind = null;
        long imageLength = 0;
        long unmatched = 0;
        for (int p = TemplateFormat.PART_HEADER; p < end; count++) {
            long at = descOffset + p;
            DescEntryType type = DescEntryType.of(desc[p] & 0xFF, at);
            if (type.size() > end - p) {
                throw new CorruptInputException("DESC entry of type " + type.value() + " at byte " + at + " needs "
                        + type.size() + " bytes but only " + (end - p) + " remain before the DESC trailer at byte "
                        + (descOffset + end));
            }
            if (type.checksum() != null) {
                if (kind != null && kind != type.checksum()) {
                    throw new CorruptInputException("DESC entry of type " + type.value() + " at byte " + at + " uses "
                            + type.checksum().label() + " but earlier entries use " + kind.label()
                            + "; a template uses one checksum kind");
                }
                kind = type.checksum();
            }
            long len = uint48(desc, p + 1);
            if (type.isImageInfo()) {
                if (infoIndex >= 0) {
                    throw new CorruptInputException("second image-info entry (type " + type.value() + ") at byte " + at
                            + "; a template has exactly one");
                }
                infoIndex = count;
            } else {
                imageLength += len;
                if (imageLength > TemplateFormat.MAX_LENGTH) { // each term < 2^48, so the sum never wraps first
                    throw new CorruptInputException("DESC entries up to the one at byte " + at + " add up to "
                            + imageLength + " bytes, more than a template's 48-bit image length can hold");
                }
                if (type == DescEntryType.UNMATCHED) {
                    unmatched += len;
                }
            }
            p += type.size();
        }
        if (infoIndex < 0) {
            throw new CorruptInputException("DESC part at byte " + descOffset
                    + " has no image-info entry (type 1, 5 or 8) with the image's length and checksum");
        }
        long data = parts.length == 0 ? 0 : parts[parts.length - 1].dataOffset() + parts[parts.length - 1].dataLength();
        int[] pos = new int[count];
        long[] imageOffset = new long[count];
        long[] dataOffset = new long[count];
        long image = 0;
        long dataSoFar = 0;
        int p = TemplateFormat.PART_HEADER;
        for (int i = 0; i < count; i++) {
            DescEntryType type = DescEntryType.of(desc[p] & 0xFF, descOffset + p);
            pos[i] = p;
            imageOffset[i] = image;
            dataOffset[i] = dataSoFar;
            if (!type.isImageInfo()) {
                long len = uint48(desc, p + 1);
                image += len;
                if (type == DescEntryType.UNMATCHED) {
                    dataSoFar += len;
                }
            }
            p += type.size();
        }
        long declared = uint48(desc, pos[infoIndex] + 1);
        if (declared != imageLength) {
            throw new CorruptInputException("image-info entry at byte " + (descOffset + pos[infoIndex])
                    + " gives the image length " + declared + " but the other DESC entries add up to " + imageLength);
        }
        if (data != unmatched) {
            throw new CorruptInputException("the DATA/BZIP parts yield " + data + " bytes but the DESC entries of type 2 "
                    + "need " + unmatched + " unmatched bytes");
        }
        return new Template(header, size, descOffset, desc, pos, imageOffset, dataOffset, infoIndex, kind, parts);
    }

    /** The unsigned 48-bit little-endian value at {@code off}. */
    static long uint48(byte[] b, int off) {
        return (LittleEndian.getInt(b, off) & 0xFFFFFFFFL) | (long) LittleEndian.getUnsignedShort(b, off + 4) << 32;
    }

    static int int32(byte[] b, int off) {
        return LittleEndian.getInt(b, off);
    }

    private static int indexOf(byte[] b, byte v, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static String text(byte[] b, int from, int to) {
        int e = to > from && b[to - 1] == '\r' ? to - 1 : to;
        return new String(b, from, e - from, StandardCharsets.UTF_8);
    }

    static String printable(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder();
        for (int i = off; i < off + len && i < b.length; i++) {
            int c = b[i] & 0xFF;
            s.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return s.toString();
    }
}
