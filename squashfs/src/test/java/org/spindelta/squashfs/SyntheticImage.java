package org.spindelta.squashfs;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.spindelta.core.LittleEndian;
import org.spindelta.squashfs.format.Compressor;
import org.spindelta.squashfs.format.SquashfsConstants;
import org.spindelta.squashfs.format.SuperBlock;

/**
 * A small, self-consistent gzip SquashFS layout built byte by byte, so hostile variants can be made by
 * changing one field. It has two fragment blocks (one compressed, one stored), one inode metadata
 * block, one directory metadata block, a fragment table and an id table; no export or xattr table.
 * The inode and directory contents are filler: only the containers are real.
 */
final class SyntheticImage {
    final int blockSize = 131072;
    long inodeTable;
    long directoryTable;
    long fragmentTable;
    long fragmentMetadata;
    long idTable;
    long bytesUsed;
    long[] fragmentStarts = new long[2];
    byte[] bytes;

    /** Bytes 0..fragmentCount of the two fragment blocks' contents. */
    static final byte[] FRAGMENT0 = text(3000, 1);
    static final byte[] FRAGMENT1 = text(500, 2);

    SyntheticImage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[SquashfsConstants.SUPERBLOCK_SIZE]);
        byte[] f0 = zlib(FRAGMENT0);
        fragmentStarts[0] = out.size();
        out.writeBytes(f0);
        fragmentStarts[1] = out.size();
        out.writeBytes(FRAGMENT1);

        inodeTable = out.size();
        writeMetadata(out, text(200, 3), true);
        directoryTable = out.size();
        writeMetadata(out, text(60, 4), false);

        byte[] entries = new byte[2 * SquashfsConstants.FRAGMENT_ENTRY_SIZE];
        LittleEndian.putLong(entries, 0, fragmentStarts[0]);
        LittleEndian.putInt(entries, 8, f0.length);
        LittleEndian.putLong(entries, 16, fragmentStarts[1]);
        LittleEndian.putInt(entries, 24, FRAGMENT1.length | SquashfsConstants.BLOCK_UNCOMPRESSED_BIT);
        fragmentMetadata = out.size();
        writeMetadata(out, entries, true);
        fragmentTable = out.size();
        writeLong(out, fragmentMetadata);

        long idMetadata = out.size();
        writeMetadata(out, new byte[4], false);
        idTable = out.size();
        writeLong(out, idMetadata);
        bytesUsed = out.size();
        out.writeBytes(new byte[(int) (4096 - bytesUsed % 4096)]);
        bytes = out.toByteArray();

        SuperBlock sb = new SuperBlock(3, 0, blockSize, 2, Compressor.ZLIB, 17,
                SquashfsConstants.FLAG_DUPLICATES | SquashfsConstants.FLAG_NO_XATTRS, 1, 4, 0, 0, bytesUsed, idTable,
                SquashfsConstants.NO_TABLE, inodeTable, directoryTable, fragmentTable, SquashfsConstants.NO_TABLE);
        System.arraycopy(sb.encode(), 0, bytes, 0, SquashfsConstants.SUPERBLOCK_SIZE);
    }

    /** A copy of the image bytes. */
    byte[] bytes() {
        return bytes.clone();
    }

    /** A copy of the image with the u32 at {@code offset} replaced. */
    byte[] withInt(int offset, int value) {
        byte[] b = bytes();
        LittleEndian.putInt(b, offset, value);
        return b;
    }

    byte[] withShort(int offset, int value) {
        byte[] b = bytes();
        b[offset] = (byte) value;
        b[offset + 1] = (byte) (value >>> 8);
        return b;
    }

    byte[] withLong(int offset, long value) {
        byte[] b = bytes();
        LittleEndian.putLong(b, offset, value);
        return b;
    }

    /** The superblock bytes only. */
    byte[] superBlock() {
        return Arrays.copyOf(bytes, SquashfsConstants.SUPERBLOCK_SIZE);
    }

    static void writeMetadata(ByteArrayOutputStream out, byte[] data, boolean compress) {
        byte[] stored = compress ? zlib(data) : data;
        int header = stored.length | (compress ? 0 : SquashfsConstants.METADATA_UNCOMPRESSED_BIT);
        out.write(header & 0xFF);
        out.write(header >>> 8);
        out.writeBytes(stored);
    }

    static void writeLong(ByteArrayOutputStream out, long v) {
        byte[] b = new byte[8];
        LittleEndian.putLong(b, 0, v);
        out.writeBytes(b);
    }

    /** zlib (RFC 1950) stream of {@code data}, as mksquashfs's gzip wrapper writes. */
    static byte[] zlib(byte[] data) {
        Deflater d = new Deflater(9);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    /** Deterministic compressible filler: words from a small vocabulary. */
    static byte[] text(int n, long seed) {
        String[] words = {"squash", "inode ", "block ", "fragment ", "table ", "zlib ", "\n", "data "};
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) {
            sb.append(words[r.nextInt(words.length)]);
        }
        return sb.substring(0, n).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
