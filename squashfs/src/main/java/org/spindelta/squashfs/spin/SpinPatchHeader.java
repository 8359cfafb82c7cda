package org.spindelta.squashfs.spin;

import java.util.Arrays;
import java.util.zip.CRC32;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FormatException;
import org.spindelta.core.LittleEndian;
import org.spindelta.core.UnsupportedFormatException;

/**
 * The fixed 136-byte header of a spin patch (docs/formats/spin.md §2): magic, version, BASE and target
 * sizes and SHA-256s, and the lengths of the plan section (xz) and of the content patch (SPDW) that
 * follow it back to back, to the end of the file. A CRC32 covers the header.
 */
record SpinPatchHeader(long baseLength, byte[] baseSha256, long targetLength, byte[] targetSha256, long planLength,
        long planDecodedLength, long contentLength, long contentDecodedLength) {
    static final byte[] MAGIC = {'S', 'P', 'D', 'S', 'P', 'I', 'N', '\n'};
    /** 2: the plan ends with the contributors (docs/formats/spin.md §3). */
    static final int VERSION = 2;
    static final int SIZE = 136;
    private static final int CRC_AT = 128;
    /** Largest decoded plan accepted: ~20 bytes per op for millions of blocks. */
    static final long MAX_PLAN = 1L << 30;
    /**
     * Largest decoded content section accepted relative to the target: NEW is at most the target's
     * size decoded (blocks decode to at most 1 MiB from at least 1 byte), and its SPDW records cost
     * at most 25 bytes per byte of NEW (docs/formats/spdw.md).
     */
    static final long MAX_CONTENT_PER_TARGET_BYTE = 1 << 20;

    byte[] encode() {
        byte[] b = new byte[SIZE];
        System.arraycopy(MAGIC, 0, b, 0, 8);
        b[8] = VERSION;
        LittleEndian.putLong(b, 16, baseLength);
        System.arraycopy(baseSha256, 0, b, 24, 32);
        LittleEndian.putLong(b, 56, targetLength);
        System.arraycopy(targetSha256, 0, b, 64, 32);
        LittleEndian.putLong(b, 96, planLength);
        LittleEndian.putLong(b, 104, planDecodedLength);
        LittleEndian.putLong(b, 112, contentLength);
        LittleEndian.putLong(b, 120, contentDecodedLength);
        CRC32 crc = new CRC32();
        crc.update(b, 0, CRC_AT);
        LittleEndian.putInt(b, CRC_AT, (int) crc.getValue());
        return b;
    }

    /**
     * Parses and checks a header of a patch of {@code fileLength} bytes.
     *
     * @throws FormatException if the magic is not a spin patch's
     * @throws UnsupportedFormatException for another version
     * @throws CorruptInputException if the CRC or a length is wrong
     */
    static SpinPatchHeader parse(byte[] b, long fileLength) throws FormatException, UnsupportedFormatException,
            CorruptInputException {
        if (b.length < SIZE || !Arrays.equals(b, 0, 8, MAGIC, 0, 8)) {
            throw new FormatException("not a spindelta spin patch (no \"SPDSPIN\" magic)");
        }
        if (b[8] != VERSION) {
            throw new UnsupportedFormatException("spin patch version " + (b[8] & 0xFF) + " is not supported; this "
                    + "build reads version " + VERSION);
        }
        CRC32 crc = new CRC32();
        crc.update(b, 0, CRC_AT);
        if (LittleEndian.getInt(b, CRC_AT) != (int) crc.getValue()) {
            throw new CorruptInputException("spin patch header CRC32 mismatch: the header is damaged");
        }
        if (LittleEndian.getInt(b, CRC_AT + 4) != 0) {
            throw new CorruptInputException("spin patch header: reserved bytes 132..135 are not zero");
        }
        long base = LittleEndian.getLong(b, 16);
        long target = LittleEndian.getLong(b, 56);
        long plan = LittleEndian.getLong(b, 96);
        long planDecoded = LittleEndian.getLong(b, 104);
        long content = LittleEndian.getLong(b, 112);
        long contentDecoded = LittleEndian.getLong(b, 120);
        if (base < 0 || target < 0 || plan < 1 || planDecoded < 1 || planDecoded > MAX_PLAN || content < 1
                || contentDecoded < 1 || contentDecoded / MAX_CONTENT_PER_TARGET_BYTE > target + 1) {
            throw new CorruptInputException("spin patch header: lengths out of range (base " + base + ", target "
                    + target + ", plan " + plan + "/" + planDecoded + ", content " + content + "/" + contentDecoded
                    + ")");
        }
        if (plan > fileLength - SIZE || content != fileLength - SIZE - plan) {
            throw new CorruptInputException("spin patch is " + fileLength + " bytes, but its header announces "
                    + (SIZE + plan + content) + " (header " + SIZE + " + plan " + plan + " + content " + content
                    + "): truncated or followed by other data");
        }
        return new SpinPatchHeader(base, Arrays.copyOfRange(b, 24, 56), target, Arrays.copyOfRange(b, 64, 96), plan,
                planDecoded, content, contentDecoded);
    }
}
