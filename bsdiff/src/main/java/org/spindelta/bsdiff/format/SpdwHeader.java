package org.spindelta.bsdiff.format;

import java.util.Arrays;
import java.util.zip.CRC32;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FormatException;
import org.spindelta.core.LittleEndian;
import org.spindelta.core.Sha256;
import org.spindelta.core.UnsupportedFormatException;

/**
 * Header and window table of an SPDW patch (docs/formats/spdw.md §2–3). Immutable; validated as
 * a whole when parsed: window lengths sum to the new size, compressed lengths fit in the file.
 *
 * @param codec compressor of every window stream
 * @param oldSize size of the file the patch applies to
 * @param newSize size of the file the patch produces
 * @param oldSha256 SHA-256 of the old file, checked before anything is written
 * @param newSha256 SHA-256 of the result, checked before the result is renamed into place
 * @param windowNewLength bytes of new each window produces, in file order; each in [1, 2^31)
 * @param windowCompressedLength bytes each window's stream takes in the patch
 * @param windowStreamLength bytes each window's stream decompresses to
 */
public record SpdwHeader(
        WindowCodec codec,
        long oldSize,
        long newSize,
        byte[] oldSha256,
        byte[] newSha256,
        long[] windowNewLength,
        long[] windowCompressedLength,
        long[] windowStreamLength) {

    public int windowCount() {
        return windowNewLength.length;
    }

    /** Bytes before the first window's stream: header, table and its CRC. */
    public long dataStart() {
        return tableSize(windowCount());
    }

    public static long tableSize(int windows) {
        return FormatConstants.SPDW_HEADER_SIZE
                + (long) windows * FormatConstants.SPDW_WINDOW_ENTRY_SIZE
                + FormatConstants.SPDW_TABLE_CRC_SIZE;
    }

    public byte[] encode() {
        int n = windowCount();
        byte[] b = new byte[(int) tableSize(n)];
        System.arraycopy(FormatConstants.SPDW_MAGIC, 0, b, 0, 8);
        b[8] = (byte) FormatConstants.SPDW_VERSION;
        b[9] = (byte) codec.id();
        LittleEndian.putInt(b, 12, n);
        LittleEndian.putLong(b, 16, oldSize);
        LittleEndian.putLong(b, 24, newSize);
        System.arraycopy(oldSha256, 0, b, 32, Sha256.LENGTH);
        System.arraycopy(newSha256, 0, b, 64, Sha256.LENGTH);
        int p = FormatConstants.SPDW_HEADER_SIZE;
        for (int i = 0; i < n; i++) {
            LittleEndian.putInt(b, p, (int) windowNewLength[i]);
            LittleEndian.putLong(b, p + 8, windowCompressedLength[i]);
            LittleEndian.putLong(b, p + 16, windowStreamLength[i]);
            p += FormatConstants.SPDW_WINDOW_ENTRY_SIZE;
        }
        CRC32 crc = new CRC32();
        crc.update(b, 0, p);
        LittleEndian.putInt(b, p, (int) crc.getValue());
        return b;
    }

    /** Reads the fixed header; returns the window count so the caller can read the table. */
    public static int parseWindowCount(byte[] head, long patchSize) throws FormatException, CorruptInputException,
            UnsupportedFormatException {
        if (!Arrays.equals(head, 0, 8, FormatConstants.SPDW_MAGIC, 0, 8)) {
            throw new FormatException("not an SPDW patch (bad magic)");
        }
        if ((head[8] & 0xFF) != FormatConstants.SPDW_VERSION) {
            throw new UnsupportedFormatException("SPDW version " + (head[8] & 0xFF) + " is not supported (this build reads "
                    + FormatConstants.SPDW_VERSION + ")");
        }
        long windows = LittleEndian.getInt(head, 12) & 0xFFFF_FFFFL;
        if (windows > FormatConstants.SPDW_MAX_WINDOWS || tableSize((int) Math.min(windows, Integer.MAX_VALUE)) > patchSize) {
            throw new CorruptInputException("SPDW window count " + windows + " at byte 12 does not fit a patch of "
                    + patchSize + " bytes");
        }
        return (int) windows;
    }

    /**
     * Parses and validates header plus table ({@code b} holds exactly {@link #tableSize} bytes).
     */
    public static SpdwHeader parse(byte[] b, long patchSize) throws java.io.IOException {
        int n = parseWindowCount(b, patchSize);
        int tableEnd = FormatConstants.SPDW_HEADER_SIZE + n * FormatConstants.SPDW_WINDOW_ENTRY_SIZE;
        CRC32 crc = new CRC32();
        crc.update(b, 0, tableEnd);
        if ((int) crc.getValue() != LittleEndian.getInt(b, tableEnd)) {
            throw new CorruptInputException("SPDW header/window table CRC mismatch (bytes 0.." + tableEnd + ")");
        }
        WindowCodec codec = WindowCodec.fromId(b[9] & 0xFF);
        long oldSize = LittleEndian.getLong(b, 16);
        long newSize = LittleEndian.getLong(b, 24);
        if (oldSize < 0 || newSize < 0) {
            throw new CorruptInputException("SPDW sizes out of range: old " + oldSize + ", new " + newSize);
        }
        long[] nl = new long[n];
        long[] cl = new long[n];
        long[] sl = new long[n];
        long sumNew = 0;
        long dataEnd = tableSize(n);
        int p = FormatConstants.SPDW_HEADER_SIZE;
        for (int i = 0; i < n; i++) {
            nl[i] = LittleEndian.getInt(b, p) & 0xFFFF_FFFFL;
            cl[i] = LittleEndian.getLong(b, p + 8);
            sl[i] = LittleEndian.getLong(b, p + 16);
            if (nl[i] <= 0 || nl[i] >= FormatConstants.SPDW_MAX_WINDOW) {
                throw new CorruptInputException("SPDW window " + i + " new length " + nl[i] + " at byte " + p
                        + " outside [1, 2^31)");
            }
            if (cl[i] <= 0 || cl[i] > patchSize - dataEnd) {
                throw new CorruptInputException("SPDW window " + i + " compressed length " + cl[i] + " at byte " + (p + 8)
                        + " runs past the end of the patch (" + patchSize + " bytes)");
            }
            // a window stream holds records and at most new-length diff+extra bytes: one 24-byte record per new byte at worst
            long maxStream = nl[i] * (1 + FormatConstants.SPDW_RECORD_SIZE) + FormatConstants.SPDW_RECORD_SIZE;
            if (sl[i] < FormatConstants.SPDW_RECORD_SIZE || sl[i] > maxStream) {
                throw new CorruptInputException("SPDW window " + i + " stream length " + sl[i] + " at byte " + (p + 16)
                        + " outside [24, " + maxStream + "]");
            }
            if (codec == WindowCodec.STORED && cl[i] != sl[i]) {
                throw new CorruptInputException("SPDW window " + i + " is stored, but its compressed length " + cl[i]
                        + " differs from its stream length " + sl[i]);
            }
            sumNew += nl[i];
            dataEnd += cl[i];
            p += FormatConstants.SPDW_WINDOW_ENTRY_SIZE;
        }
        if (sumNew != newSize) {
            throw new CorruptInputException("SPDW windows produce " + sumNew + " bytes but the header says new size " + newSize);
        }
        if (dataEnd != patchSize) {
            throw new CorruptInputException("SPDW patch is " + patchSize + " bytes but its table accounts for " + dataEnd
                    + (dataEnd > patchSize ? " (truncated?)" : " (trailing garbage?)"));
        }
        return new SpdwHeader(codec, oldSize, newSize, Arrays.copyOfRange(b, 32, 64), Arrays.copyOfRange(b, 64, 96),
                nl, cl, sl);
    }
}
