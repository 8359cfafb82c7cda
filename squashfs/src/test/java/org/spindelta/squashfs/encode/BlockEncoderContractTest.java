package org.spindelta.squashfs.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spindelta.core.UnsupportedFormatException;
import org.spindelta.squashfs.chunk.ChunkKind;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.encode.BlockEncoderFactory.GzipBackend;
import org.spindelta.squashfs.format.CompressorOptions;

/**
 * What every encoder promises whatever the image: our decoders read its output back, incompressible
 * data gets "store raw", the arguments are checked, and a configuration this machine cannot reproduce
 * is reported as such by the factory before any encoder exists.
 */
class BlockEncoderContractTest {

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of(new CompressorOptions.Gzip(9, 15, 0), GzipBackend.JDK),
                Arguments.of(new CompressorOptions.Gzip(9, 15, 0), GzipBackend.ZLIB),
                Arguments.of(new CompressorOptions.Gzip(6, 9, 0b11111), GzipBackend.ZLIB),
                Arguments.of(new CompressorOptions.Lzma(), null),
                Arguments.of(new CompressorOptions.Xz(131072, 0), null),
                Arguments.of(new CompressorOptions.Xz(8192, 0b111111), null),
                Arguments.of(new CompressorOptions.Xz(131072, 1 << 6), null), // arm64 (liblzma 5.4+)
                Arguments.of(new CompressorOptions.Zstd(15), null),
                Arguments.of(new CompressorOptions.Lz4(1, 0, OptionalInt.empty()), null),
                Arguments.of(new CompressorOptions.Lz4(1, 1, OptionalInt.empty()), null),
                Arguments.of(new CompressorOptions.Lz4(1, 2, OptionalInt.of(8)), null),
                Arguments.of(new CompressorOptions.Lz4(1, 3, OptionalInt.of(4)), null),
                Arguments.of(new CompressorOptions.Lzo(0, 0), null),
                Arguments.of(new CompressorOptions.Lzo(1, 0), null),
                Arguments.of(new CompressorOptions.Lzo(2, 0), null),
                Arguments.of(new CompressorOptions.Lzo(3, 0), null),
                Arguments.of(new CompressorOptions.Lzo(4, 8), null));
    }

    private static BlockEncoderFactory factory(CompressorOptions o, GzipBackend backend, int blockSize) {
        return backend == null ? BlockEncoderFactory.of(o, blockSize) : BlockEncoderFactory.of(o, blockSize, backend);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurations")
    void outputDecodesBackAndNoiseIsStoredRaw(CompressorOptions o, GzipBackend backend) throws Exception {
        for (int blockSize : new int[] {4096, 131072}) {
            try (BlockEncoder e = factory(o, backend, blockSize).newEncoder();
                    BlockDecompressor d = BlockDecompressor.forCompressor(o.compressor(), o)) {
                for (BlockRole role : BlockRole.values()) {
                    int n = role.capacity(blockSize);
                    byte[] text = EncodeTestTree.text(n, n + role.ordinal());
                    byte[] out = new byte[n];
                    int c = e.encode(text, 0, n, out, role);
                    assertTrue(c > 0 && c < n, o + " " + role + " text: " + c);
                    byte[] back = new byte[n];
                    assertEquals(n, d.decompress(out, 0, c, back, 0, n));
                    assertArrayEquals(text, back);
                    // the same block again gives the same bytes: nothing carries over between blocks
                    byte[] again = new byte[n];
                    assertEquals(c, e.encode(text, 0, n, again, role));
                    assertArrayEquals(Arrays.copyOf(out, c), Arrays.copyOf(again, c));

                    byte[] noise = new byte[n];
                    new SplittableRandom(n).nextBytes(noise);
                    assertEquals(0, e.encode(noise, 0, n, out, role), o + " " + role + " noise");
                    // one byte cannot shrink
                    assertEquals(0, e.encode(text, 5, 1, out, role));
                }
            }
        }
    }

    @Test
    void argumentsAreChecked() throws Exception {
        BlockEncoder e = BlockEncoderFactory.of(new CompressorOptions.Zstd(15), 4096).newEncoder();
        byte[] in = new byte[10000];
        byte[] out = new byte[10000];
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> e.encode(in, 0, 4097, out, BlockRole.DATA));
        assertEquals("DATA block of 4097 bytes; a zstd encoder for block size 4096 takes 1..4096", big.getMessage());
        // a metadata block may be larger than a 4 KiB data block
        assertTrue(e.encode(in, 0, 8192, out, BlockRole.METADATA) > 0);
        assertThrows(IllegalArgumentException.class, () -> e.encode(in, 0, 8193, out, BlockRole.METADATA));
        assertThrows(IllegalArgumentException.class, () -> e.encode(in, 0, 0, out, BlockRole.DATA));
        IllegalArgumentException shortOut = assertThrows(IllegalArgumentException.class,
                () -> e.encode(in, 0, 100, new byte[99], BlockRole.DATA));
        assertEquals("output array of 99 bytes is shorter than the 100-byte block", shortOut.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> e.encode(in, 9990, 100, out, BlockRole.DATA));
        e.close();
        e.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class,
                () -> e.encode(in, 0, 100, out, BlockRole.DATA));
        assertEquals("zstd encoder used after close()", closed.getMessage());
    }

    @Test
    void blockRolesFollowChunkKinds() {
        assertEquals(BlockRole.DATA, BlockRole.of(ChunkKind.DATA_BLOCK));
        assertEquals(BlockRole.DATA, BlockRole.of(ChunkKind.FRAGMENT_BLOCK));
        for (ChunkKind k : ChunkKind.values()) {
            if (k.metadata()) {
                assertEquals(BlockRole.METADATA, BlockRole.of(k));
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BlockRole.of(ChunkKind.COMPRESSOR_OPTIONS));
        assertEquals("compressor options is not a block mksquashfs compresses", e.getMessage());
        assertEquals(131072, BlockRole.DATA.capacity(131072));
        assertEquals(8192, BlockRole.METADATA.capacity(1 << 20));
    }

    private static boolean liblzmaHasRiscv() {
        // riscv came in XZ Utils 5.6
        String[] v = Liblzma.lzma_version_string().split("\\.");
        int major = Integer.parseInt(v[0]);
        int minor = Integer.parseInt(v[1]);
        return major > 5 || major == 5 && minor >= 6;
    }

    /** A BCJ filter this liblzma cannot encode: the factory says so up front, and nothing is created. */
    @Test
    void anXzFilterThisLiblzmaLacksIsReportedUpFront() throws Exception {
        Liblzma.LIBRARY.require("xz");
        BlockEncoderFactory f = BlockEncoderFactory.of(new CompressorOptions.Xz(131072, 1 | 1 << 7), 131072);
        if (liblzmaHasRiscv()) {
            assertTrue(f.available());
            return;
        }
        String why = "xz blocks cannot be recompressed here: liblzma.so.5 " + Liblzma.lzma_version_string()
                + " has no encoder for the riscv filter the image's options select";
        assertEquals(Optional.of(why), f.unavailableReason());
        assertFalse(f.available());
        assertEquals(why, assertThrows(UnsupportedFormatException.class, f::identity).getMessage());
        assertEquals(why, assertThrows(UnsupportedFormatException.class, f::newEncoder).getMessage());
        assertEquals(why, assertThrows(UnsupportedFormatException.class,
                () -> EncoderSelfTest.run(f, null, List.of())).getMessage());
    }

    @Test
    void deflaterCannotBeForcedOntoOptionsItCannotSet() {
        BlockEncoderFactory f = BlockEncoderFactory.of(new CompressorOptions.Gzip(9, 12, 0b1001), 131072,
                GzipBackend.JDK);
        assertEquals(Optional.of("gzip blocks cannot be recompressed with java.util.zip: window size 12 and strategies "
                + "default,run_length_encoded need libz.so.1 (Deflater sets window 15 and the default, filtered and "
                + "huffman_only strategies only)"), f.unavailableReason());
        assertThrows(UnsupportedFormatException.class, f::newEncoder);
    }

    @Test
    void blockSizesAreChecked() {
        CompressorOptions o = new CompressorOptions.Zstd(15);
        for (int bad : new int[] {2048, 3 << 12, 2 << 20}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BlockEncoderFactory.of(o, bad));
            assertEquals("block size " + bad + " is not a power of 2 in [4096, 1048576]", e.getMessage());
        }
    }
}
