package org.spindelta.bsdiff;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.spindelta.bsdiff.format.Bsdiff40Trailer;
import org.spindelta.bsdiff.format.FormatConstants;
import org.spindelta.bsdiff.format.SignMagnitude;
import org.spindelta.bsdiff.format.SpdwHeader;
import org.spindelta.core.LittleEndian;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * Builds crafted patches for the negative tests: BSDIFF40 and ENDSLEY/BSDIFF43 from given control
 * triples and diff/extra bytes (bzip2 through commons-compress, as bsdiff 4.3 lays them out), and
 * SPDW by editing a real SPDW patch: its table (with or without a fresh CRC) or one window's
 * decompressed record stream (recompressed, lengths and CRC fixed up).
 */
public final class HostilePatches {
    private HostilePatches() {}

    // ------------------------------------------------------------------ bytes

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    public static byte[] repeat(byte[] part, int times) {
        byte[] b = new byte[part.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(part, 0, b, i * part.length, part.length);
        }
        return b;
    }

    /** A copy with the byte at {@code pos} inverted (all eight bits). */
    public static byte[] flip(byte[] b, long pos) {
        byte[] c = b.clone();
        c[(int) pos] ^= (byte) 0xFF;
        return c;
    }

    public static byte[] truncate(byte[] b, long length) {
        return Arrays.copyOf(b, (int) length);
    }

    /** {@code n} bytes all equal to {@code value}. */
    public static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    // ------------------------------------------------------------------ bsdiff integers and triples

    /** One 8-byte sign-magnitude integer. */
    public static byte[] sm(long v) {
        byte[] b = new byte[8];
        SignMagnitude.encode(v, b, 0);
        return b;
    }

    /** One 8-byte integer as raw little-endian bits (for values sign-magnitude cannot express, e.g. -0). */
    public static byte[] raw(long bits) {
        byte[] b = new byte[8];
        LittleEndian.putLong(b, 0, bits);
        return b;
    }

    /** bsdiff's "negative zero": sign bit set, magnitude 0. */
    public static final long NEGATIVE_ZERO_BITS = 0x8000_0000_0000_0000L;

    /** One control triple (diff length, extra length, seek), sign-magnitude. */
    public static byte[] triple(long diff, long extra, long seek) {
        return concat(sm(diff), sm(extra), sm(seek));
    }

    /** Several triples: {@code values} holds diff, extra, seek, diff, extra, seek, ... */
    public static byte[] triples(long... values) {
        if (values.length % 3 != 0) {
            throw new IllegalArgumentException("triples need a multiple of 3 values");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < values.length; i += 3) {
            out.writeBytes(triple(values[i], values[i + 1], values[i + 2]));
        }
        return out.toByteArray();
    }

    public static byte[] trailer(long oldSize, byte[] oldSha256, byte[] newSha256) {
        return new Bsdiff40Trailer(oldSize, oldSha256, newSha256).encode();
    }

    // ------------------------------------------------------------------ compression

    /** One bzip2 stream at level 9, as bsdiff 4.3 writes each block. */
    public static byte[] bzip2(byte[] plain) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new BZip2CompressorOutputStream(bytes, FormatConstants.BZIP2_LEVEL)) {
            out.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] bunzip2(byte[] compressed) {
        try (InputStream in = new BZip2CompressorInputStream(new ByteArrayInputStream(compressed), false)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] xz(byte[] plain) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new XZOutputStream(bytes, new LZMA2Options(6), XZ.CHECK_CRC64)) {
            out.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] unxz(byte[] compressed) {
        try (InputStream in = new XZInputStream(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ BSDIFF40

    /** A BSDIFF40 patch from plain control, diff and extra streams; header lengths are the true ones. */
    public static byte[] bsdiff40(long newSize, byte[] ctrlPlain, byte[] diffPlain, byte[] extraPlain) {
        byte[] c = bzip2(ctrlPlain);
        byte[] d = bzip2(diffPlain);
        return bsdiff40Raw(c.length, d.length, newSize, c, d, bzip2(extraPlain));
    }

    /** A BSDIFF40 patch with the header values given as is, followed by the given (compressed) blocks. */
    public static byte[] bsdiff40Raw(long headerCtrlLength, long headerDiffLength, long newSize, byte[] ctrlBlock,
            byte[] diffBlock, byte[] extraBlock) {
        return concat(FormatConstants.BSDIFF40_MAGIC, sm(headerCtrlLength), sm(headerDiffLength), sm(newSize), ctrlBlock,
                diffBlock, extraBlock);
    }

    /** Where the three blocks of a BSDIFF40 patch lie, read from its header. */
    public record Bsdiff40Layout(long ctrlStart, long diffStart, long extraStart, long end) {}

    public static Bsdiff40Layout bsdiff40Layout(byte[] patch) {
        try {
            long ctrl = SignMagnitude.decode(patch, 8, "ctrl");
            long diff = SignMagnitude.decode(patch, 16, "diff");
            long start = FormatConstants.BSDIFF40_HEADER_SIZE;
            return new Bsdiff40Layout(start, start + ctrl, start + ctrl + diff, patch.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The same BSDIFF40 patch as a peer bsdiff would write it: spindelta's trailer removed from the
     * control stream, so nothing but bzip2's CRCs protects the data.
     */
    public static byte[] stripTrailer(byte[] patch) {
        Bsdiff40Layout l = bsdiff40Layout(patch);
        byte[] ctrl = bunzip2(Arrays.copyOfRange(patch, (int) l.ctrlStart(), (int) l.diffStart()));
        byte[] c = bzip2(Arrays.copyOf(ctrl, ctrl.length - FormatConstants.TRAILER_SIZE));
        byte[] d = Arrays.copyOfRange(patch, (int) l.diffStart(), (int) l.extraStart());
        byte[] e = Arrays.copyOfRange(patch, (int) l.extraStart(), patch.length);
        try {
            return bsdiff40Raw(c.length, d.length, SignMagnitude.decode(patch, 24, "new size"), c, d, e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    // ------------------------------------------------------------------ ENDSLEY/BSDIFF43

    /** An ENDSLEY/BSDIFF43 patch: magic, new size, one bzip2 stream of {@code streamPlain}. */
    public static byte[] bsdiff43(long newSize, byte[] streamPlain) {
        return concat(FormatConstants.BSDIFF43_MAGIC, sm(newSize), bzip2(streamPlain));
    }

    // ------------------------------------------------------------------ SPDW

    public static SpdwHeader spdwHeader(byte[] patch) {
        try {
            int n = LittleEndian.getInt(patch, 12);
            byte[] table = Arrays.copyOf(patch, (int) SpdwHeader.tableSize(n));
            return SpdwHeader.parse(table, patch.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Offset of window {@code w}'s compressed stream in the patch. */
    public static long spdwWindowStart(byte[] patch, int w) {
        SpdwHeader h = spdwHeader(patch);
        long p = h.dataStart();
        for (int i = 0; i < w; i++) {
            p += h.windowCompressedLength()[i];
        }
        return p;
    }

    /** Offset of window {@code w}'s table entry. */
    public static int spdwEntry(int w) {
        return FormatConstants.SPDW_HEADER_SIZE + w * FormatConstants.SPDW_WINDOW_ENTRY_SIZE;
    }

    /** Offset of the table CRC (header and table of a patch with its current window count). */
    public static int spdwCrcOffset(byte[] patch) {
        return spdwEntry(LittleEndian.getInt(patch, 12));
    }

    /** A copy of {@code patch} changed by {@code edit}; the table CRC is recomputed when {@code fixCrc}. */
    public static byte[] spdwEdit(byte[] patch, Consumer<byte[]> edit, boolean fixCrc) {
        byte[] b = patch.clone();
        int crcAt = spdwCrcOffset(b); // where the CRC is for the window count before the edit
        edit.accept(b);
        if (fixCrc) {
            CRC32 crc = new CRC32();
            crc.update(b, 0, crcAt);
            LittleEndian.putInt(b, crcAt, (int) crc.getValue());
        }
        return b;
    }

    /** Window {@code w}'s decompressed record stream (xz patches only). */
    public static byte[] spdwWindowStream(byte[] patch, int w) {
        SpdwHeader h = spdwHeader(patch);
        int start = (int) spdwWindowStart(patch, w);
        return unxz(Arrays.copyOfRange(patch, start, start + (int) h.windowCompressedLength()[w]));
    }

    /**
     * Replaces window {@code w}'s record stream by {@code stream}, recompressed with xz; the table's
     * compressed and stream lengths and its CRC are fixed, so only the records themselves are hostile.
     */
    public static byte[] spdwReplaceWindowStream(byte[] patch, int w, byte[] stream) {
        return spdwReplaceWindowStream(patch, w, stream, true);
    }

    /**
     * As {@link #spdwReplaceWindowStream(byte[], int, byte[])}; with {@code fixStreamLength} false the
     * table keeps the old stream length (so a stream too long for its window gets past the table).
     */
    public static byte[] spdwReplaceWindowStream(byte[] patch, int w, byte[] stream, boolean fixStreamLength) {
        SpdwHeader h = spdwHeader(patch);
        int start = (int) spdwWindowStart(patch, w);
        int oldLen = (int) h.windowCompressedLength()[w];
        byte[] compressed = xz(stream);
        byte[] b = concat(Arrays.copyOf(patch, start), compressed, Arrays.copyOfRange(patch, start + oldLen, patch.length));
        return spdwEdit(b, t -> {
            LittleEndian.putLong(t, spdwEntry(w) + 8, compressed.length);
            if (fixStreamLength) {
                LittleEndian.putLong(t, spdwEntry(w) + 16, stream.length);
            }
        }, true);
    }

    /** Offset in a window stream of the first record whose diff length is positive, or -1. */
    public static int firstDiffRecord(byte[] stream) {
        int p = 0;
        while (p + FormatConstants.SPDW_RECORD_SIZE <= stream.length) {
            long x = LittleEndian.getLong(stream, p);
            long y = LittleEndian.getLong(stream, p + 8);
            if (x > 0) {
                return p;
            }
            p += FormatConstants.SPDW_RECORD_SIZE + (int) (x + y);
        }
        return -1;
    }

    /** One SPDW record: diff length, extra length, old position; little-endian two's complement. */
    public static byte[] spdwRecord(long diff, long extra, long oldPos) {
        return concat(raw(diff), raw(extra), raw(oldPos));
    }
}
