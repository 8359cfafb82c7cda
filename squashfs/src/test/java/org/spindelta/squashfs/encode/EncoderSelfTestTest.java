package org.spindelta.squashfs.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.spindelta.core.Sha256;
import org.spindelta.core.UnsupportedFormatException;
import org.spindelta.squashfs.format.CompressorOptions;

/**
 * The applier's check before writing: samples that reproduce pass, and any that does not stops it
 * with one line naming the sample and the encoders.
 */
class EncoderSelfTestTest {
    private BlockEncoderFactory factory;
    private byte[] text;
    private byte[] compressed;
    private byte[] noise;

    @BeforeEach
    void samples() throws Exception {
        factory = BlockEncoderFactory.of(new CompressorOptions.Xz(131072, 0), 131072);
        text = EncodeTestTree.text(20000, 5);
        try (BlockEncoder e = factory.newEncoder()) {
            byte[] out = new byte[text.length];
            compressed = Arrays.copyOf(out, e.encode(text, 0, text.length, out, BlockRole.DATA));
        }
        noise = new byte[5000];
        new SplittableRandom(1).nextBytes(noise);
    }

    @Test
    void reproducedSamplesPass() throws Exception {
        EncoderIdentity here = factory.identity();
        EncoderSelfTest t = EncoderSelfTest.run(factory, here, List.of(
                EncoderSample.compressed(BlockRole.DATA, text, compressed),
                EncoderSample.storedRaw(BlockRole.DATA, noise),
                new EncoderSample(BlockRole.DATA, text, compressed.length,
                        Sha256.of(compressed, 0, compressed.length))));
        assertTrue(t.reproduces());
        assertEquals(3, t.samples());
        assertEquals(here, t.identity());
        assertTrue(t.identityDifferences().isEmpty());
        t.requireReproduces();
    }

    @Test
    void aSampleThatDiffersStopsTheApplierWithOneLine() throws Exception {
        byte[] other = compressed.clone();
        other[other.length / 2] ^= 1;
        Map<String, String> p = new LinkedHashMap<>(factory.identity().parameters());
        EncoderIdentity patchMaker = new EncoderIdentity("xz", "liblzma.so.5", "5.2.5", p);
        EncoderSelfTest t = EncoderSelfTest.run(factory, patchMaker, List.of(
                EncoderSample.storedRaw(BlockRole.DATA, noise),
                EncoderSample.compressed(BlockRole.DATA, text, other),
                EncoderSample.compressed(BlockRole.METADATA, text, Arrays.copyOf(compressed, compressed.length - 1)),
                EncoderSample.storedRaw(BlockRole.DATA, text)));
        assertFalse(t.reproduces());
        String hash = Sha256.hex(Sha256.of(compressed, 0, compressed.length));
        assertEquals(List.of(
                "sample 2: data block of 20000 bytes stored as " + other.length + " bytes (sha256 "
                        + Sha256.hex(Sha256.of(other, 0, other.length)) + ") encodes to other bytes of the same "
                        + "length here (sha256 " + hash + ")",
                "sample 3: metadata block of 20000 bytes stored as " + (compressed.length - 1) + " bytes (sha256 "
                        + Sha256.hex(Sha256.of(compressed, 0, compressed.length - 1)) + ") is larger than a "
                        + "metadata block of this image can be",
                "sample 4: data block of 20000 bytes stored raw encodes to " + compressed.length + " bytes here"),
                t.mismatches());
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, t::requireReproduces);
        assertEquals("this machine cannot reproduce the xz blocks: 3 of 4 samples differ; first: " + t.mismatches().get(0)
                + "; encoder here: " + factory.identity() + "; the patch's encoder differs: version "
                + factory.identity().version() + " here, 5.2.5 there", e.getMessage());
    }

    @Test
    void samplesCheckTheirOwnLengths() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncoderSample.compressed(BlockRole.DATA, new byte[10], new byte[10]));
        assertEquals("encoder sample stored length 10 outside [0, 9] (0 = stored raw; a compressed block is shorter "
                + "than its 10 decoded bytes)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new EncoderSample(BlockRole.DATA, new byte[10], 5, new byte[31]));
        assertEquals("encoder sample hash of 31 bytes; expected 32 (SHA-256)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EncoderSample.storedRaw(BlockRole.DATA, new byte[0]));
    }
}
