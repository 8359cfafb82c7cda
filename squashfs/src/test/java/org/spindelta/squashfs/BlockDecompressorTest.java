package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.luben.zstd.Zstd;
import io.airlift.compress.lzo.LzoCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.format.Compressor;
import org.spindelta.squashfs.format.CompressorOptions;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

/**
 * The {@link BlockDecompressor} contract, run for every compressor on streams made by Java encoders
 * the way mksquashfs's wrappers make them: exact output, the maxOut limit, bombs, garbage and
 * truncation always end in {@link CorruptInputException} naming the compressor, never an unchecked
 * exception. Here on the decoders {@link BlockDecompressor#forCompressor} picks (the system libraries'
 * where they load); {@link JavaBlockDecompressorTest} runs the same on the pure-Java ones. Real
 * mksquashfs blocks are covered by SquashfsInteropTest and NativeBlockDecompressorInteropTest.
 */
class BlockDecompressorTest {
    static final int BLOCK = 131072;

    /** Compresses like the squashfs-tools wrapper for {@code c}. */
    static byte[] compress(Compressor c, byte[] data) throws IOException {
        switch (c) {
            case ZLIB:
                return SyntheticImage.zlib(data);
            case XZ: {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                LZMA2Options o = new LZMA2Options(6);
                o.setDictSize(BLOCK);
                try (XZOutputStream xz = new XZOutputStream(out, o, XZ.CHECK_CRC32)) {
                    xz.write(data);
                }
                return out.toByteArray();
            }
            case LZMA:
                return lzmaLikeMksquashfs(data);
            case LZ4:
                return LZ4Factory.safeInstance().fastCompressor().compress(data);
            case ZSTD:
                return Zstd.compress(data, 15);
            case LZO: {
                LzoCompressor lzo = new LzoCompressor();
                byte[] out = new byte[lzo.maxCompressedLength(data.length)];
                int n = lzo.compress(data, 0, data.length, out, 0, out.length);
                return Arrays.copyOf(out, n);
            }
            default:
                throw new AssertionError(c);
        }
    }

    /**
     * As lzma_xz_wrapper.c: an "LZMA alone" stream with unknown size and an end marker, whose header
     * size field is then overwritten with the real size.
     */
    static byte[] lzmaLikeMksquashfs(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LZMA2Options o = new LZMA2Options(5);
        o.setDictSize(BLOCK);
        try (LZMAOutputStream lz = new LZMAOutputStream(out, o, -1)) {
            lz.write(data);
        }
        byte[] b = out.toByteArray();
        LittleEndian.putLong(b, 5, data.length);
        return b;
    }

    /** Half text, half bytes with little redundancy, like a mixed file tree. */
    static byte[] sample(int n, long seed) {
        byte[] b = Arrays.copyOf(SyntheticImage.text(n / 2, seed), n);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n / 2; i < n; i++) {
            b[i] = (byte) (r.nextInt(16) + (i & 0x30));
        }
        return b;
    }

    /** The decoder under test. */
    BlockDecompressor decompressor(Compressor c) {
        return BlockDecompressor.forCompressor(c, CompressorOptions.defaults(c, BLOCK));
    }

    @ParameterizedTest
    @EnumSource(Compressor.class)
    void roundTripsAtOffsets(Compressor c) throws IOException {
        byte[] data = sample(BLOCK, 1);
        byte[] z = compress(c, data);
        byte[] src = new byte[z.length + 10];
        System.arraycopy(z, 0, src, 7, z.length);
        byte[] dst = new byte[BLOCK + 20];
        try (BlockDecompressor d = decompressor(c)) {
            assertEquals(c, d.compressor());
            for (int round = 0; round < 2; round++) {
                Arrays.fill(dst, (byte) 0x5A);
                assertEquals(BLOCK, d.decompress(src, 7, z.length, dst, 13, BLOCK), "round " + round);
                assertArrayEquals(data, Arrays.copyOfRange(dst, 13, 13 + BLOCK));
                assertEquals(0x5A, dst[12] & 0xFF, "nothing written before dstOff");
                assertEquals(0x5A, dst[13 + BLOCK] & 0xFF, "nothing written past maxOut");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Compressor.class)
    void shortBlockReturnsItsLength(Compressor c) throws IOException {
        byte[] data = sample(5000, 2);
        byte[] dst = new byte[8192];
        try (BlockDecompressor d = decompressor(c)) {
            assertEquals(5000, d.decompress(compress(c, data), 0, compress(c, data).length, dst, 0, 8192));
        }
        assertArrayEquals(data, Arrays.copyOf(dst, 5000));
    }

    @ParameterizedTest
    @EnumSource(Compressor.class)
    void outputOneByteOverMaxOutIsCorrupt(Compressor c) throws IOException {
        byte[] data = sample(8193, 3);
        byte[] z = compress(c, data);
        try (BlockDecompressor d = decompressor(c)) {
            CorruptInputException e = assertThrows(CorruptInputException.class,
                    () -> d.decompress(z, 0, z.length, new byte[8192], 0, 8192));
            assertTrue(e.getMessage().startsWith(c.toolName() + " block"), e::getMessage);
            assertTrue(e.getMessage().contains("8192"), e::getMessage);
        }
    }

    /** Megabytes of zeros compresses to little; decoding must stop at maxOut, not inflate it all. */
    @ParameterizedTest
    @EnumSource(value = Compressor.class, names = {"ZLIB", "XZ", "ZSTD"})
    void bombStopsAtMaxOut(Compressor c) throws IOException {
        byte[] z = compress(c, new byte[c == Compressor.XZ ? 8 << 20 : 16 << 20]);
        try (BlockDecompressor d = decompressor(c)) {
            assertThrows(CorruptInputException.class, () -> d.decompress(z, 0, z.length, new byte[BLOCK], 0, BLOCK));
        }
    }

    @ParameterizedTest
    @EnumSource(Compressor.class)
    void truncatedStreamIsCorrupt(Compressor c) throws IOException {
        byte[] z = compress(c, sample(BLOCK, 4));
        // lz4 and lzo carry no checksum or size: a cut that happens to end a literal run decodes to a
        // shorter block, which only the caller's expected size can catch
        boolean mayDecodeShort = c == Compressor.LZ4 || c == Compressor.LZO;
        try (BlockDecompressor d = decompressor(c)) {
            for (int len : new int[] {0, 1, 5, 13, z.length / 2, z.length - 1}) {
                try {
                    int n = d.decompress(z, 0, len, new byte[BLOCK], 0, BLOCK);
                    assertTrue(mayDecodeShort && n < BLOCK, () -> c + " cut to " + len + " decoded " + n + " bytes");
                } catch (CorruptInputException e) {
                    assertTrue(e.getMessage().startsWith(c.toolName() + " block"), e::getMessage);
                }
            }
        }
    }

    /** Random bytes and bit flips: every outcome is data or CorruptInputException, nothing unchecked. */
    @ParameterizedTest
    @EnumSource(Compressor.class)
    void garbageNeverEscapesAsAnUncheckedException(Compressor c) throws IOException {
        SplittableRandom r = new SplittableRandom(c.id());
        byte[] valid = compress(c, sample(20000, 5));
        byte[] dst = new byte[BLOCK];
        try (BlockDecompressor d = decompressor(c)) {
            for (int i = 0; i < 300; i++) {
                byte[] in;
                if (i % 2 == 0) {
                    in = new byte[1 + r.nextInt(2000)];
                    r.nextBytes(in);
                } else {
                    in = valid.clone();
                    for (int k = 0; k < 1 + r.nextInt(4); k++) {
                        in[r.nextInt(in.length)] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                try {
                    int n = d.decompress(in, 0, in.length, dst, 0, BLOCK);
                    assertTrue(n >= 0 && n <= BLOCK);
                } catch (CorruptInputException e) {
                    assertTrue(e.getMessage().startsWith(c.toolName() + " block"), e::getMessage);
                } catch (RuntimeException e) {
                    fail(c + " let an unchecked exception escape on input " + i, e);
                }
            }
            // the decompressor is still usable after failures
            byte[] ok = compress(c, sample(3000, 6));
            assertEquals(3000, d.decompress(ok, 0, ok.length, dst, 0, BLOCK));
        }
    }

    @Test
    void lzmaWithKnownSizeAndNoEndMarkerDecodes() throws IOException {
        byte[] data = sample(40000, 7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LZMA2Options o = new LZMA2Options(5);
        o.setDictSize(BLOCK);
        try (LZMAOutputStream lz = new LZMAOutputStream(out, o, data.length)) {
            lz.write(data);
        }
        byte[] z = out.toByteArray();
        assertEquals(data.length, LittleEndian.getLong(z, 5), "the LZMA SDK form: size in the header, no marker");
        byte[] dst = new byte[BLOCK];
        try (BlockDecompressor d = decompressor(Compressor.LZMA)) {
            assertEquals(data.length, d.decompress(z, 0, z.length, dst, 0, BLOCK));
        }
        assertArrayEquals(data, Arrays.copyOf(dst, data.length));
    }

    @Test
    void lzmaWithUnknownSizeDecodesToTheMarker() throws IOException {
        byte[] data = sample(40000, 8);
        byte[] z = lzmaLikeMksquashfs(data);
        LittleEndian.putLong(z, 5, -1L);
        byte[] dst = new byte[BLOCK];
        try (BlockDecompressor d = decompressor(Compressor.LZMA)) {
            assertEquals(data.length, d.decompress(z, 0, z.length, dst, 0, BLOCK));
            assertThrows(CorruptInputException.class, () -> d.decompress(z, 0, z.length, dst, 0, 1000));
        }
    }

    /** A header claiming a 4 GiB dictionary must not allocate one (the test JVM has a 1 GiB heap). */
    @Test
    void lzmaHugeDictionaryClaimIsCappedAtMaxOut() throws IOException {
        byte[] data = sample(40000, 9);
        byte[] z = lzmaLikeMksquashfs(data);
        LittleEndian.putInt(z, 1, -1);
        byte[] dst = new byte[BLOCK];
        try (BlockDecompressor d = decompressor(Compressor.LZMA)) {
            assertEquals(data.length, d.decompress(z, 0, z.length, dst, 0, BLOCK));
        }
        assertArrayEquals(data, Arrays.copyOf(dst, data.length));
    }

    @Test
    void lzmaSizeClaimAboveMaxOutIsCorrupt() throws IOException {
        byte[] z = lzmaLikeMksquashfs(sample(1000, 10));
        LittleEndian.putLong(z, 5, 1L << 40);
        try (BlockDecompressor d = decompressor(Compressor.LZMA)) {
            CorruptInputException e = assertThrows(CorruptInputException.class,
                    () -> d.decompress(z, 0, z.length, new byte[BLOCK], 0, BLOCK));
            assertTrue(e.getMessage().contains("claims 1099511627776 uncompressed bytes"), e::getMessage);
        }
    }

    @Test
    void xzWithTrailingBytesIsCorrupt() throws IOException {
        byte[] z = compress(Compressor.XZ, sample(1000, 11));
        byte[] padded = Arrays.copyOf(z, z.length + 4);
        try (BlockDecompressor d = decompressor(Compressor.XZ)) {
            CorruptInputException e = assertThrows(CorruptInputException.class,
                    () -> d.decompress(padded, 0, padded.length, new byte[BLOCK], 0, BLOCK));
            assertTrue(e.getMessage().contains("4 bytes follow the end of the xz stream"), e::getMessage);
        }
    }

    @Test
    void xzNeedingAHugeDictionaryIsRefusedBeforeAllocating() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LZMA2Options o = new LZMA2Options(1);
        o.setDictSize(4 << 20); // needs ~4.2 MiB to decode, over the 2 MiB limit
        try (XZOutputStream xz = new XZOutputStream(out, o, XZ.CHECK_CRC32)) {
            xz.write(sample(1000, 12));
        }
        byte[] z = out.toByteArray();
        try (BlockDecompressor d = decompressor(Compressor.XZ)) {
            CorruptInputException e = assertThrows(CorruptInputException.class,
                    () -> d.decompress(z, 0, z.length, new byte[BLOCK], 0, BLOCK));
            assertTrue(e.getMessage().contains("KiB"), e::getMessage);
        }
    }

    @Test
    void optionsOfAnotherCompressorAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> BlockDecompressor.forCompressor(Compressor.XZ,
                CompressorOptions.defaults(Compressor.ZLIB, BLOCK)));
    }
}
