package org.spindelta.bsdiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.spindelta.bsdiff.format.BlockDelta;
import org.spindelta.bsdiff.generate.BlockDiff;
import org.spindelta.core.CorruptInputException;

/** The in-memory block delta: round trips on real and edited data, and hostile deltas refused cleanly. */
class BlockDeltaTest {
    private static byte[] realBinary() throws Exception {
        for (String p : new String[] {"/usr/bin/bash", "/usr/bin/ls", "/bin/sh"}) {
            Path f = Path.of(p);
            if (Files.isRegularFile(f)) {
                byte[] b = Files.readAllBytes(f);
                return Arrays.copyOf(b, Math.min(b.length, 256 * 1024));
            }
        }
        throw new IllegalStateException("no system binary to test with");
    }

    private static void roundTrip(byte[] old, byte[] nw) throws Exception {
        BlockDiff.Result r = BlockDiff.diff(old, old.length, nw, 0, nw.length);
        byte[] back = BlockDelta.apply(old, old.length, r.delta(), 0, r.delta().length, nw.length, "delta");
        assertArrayEquals(nw, back);
        assertEquals(nw.length, BlockDelta.newLength(r.delta(), 0, r.delta().length, nw.length, "delta"));
    }

    @Test
    void anEditedRealBinaryIsRebuiltFromASmallDelta() throws Exception {
        byte[] old = realBinary();
        byte[] nw = TestData.edited(old, 7);
        roundTrip(old, nw);
        BlockDiff.Result r = BlockDiff.diff(old, old.length, nw, 0, nw.length);
        // the edits touch a few percent of the bytes: most of NEW must come from OLD
        assertTrue(r.literalBytes() < nw.length / 4, r.literalBytes() + " literal bytes of " + nw.length);
    }

    @Test
    void unrelatedEmptyAndOffsetInputsRoundTrip() throws Exception {
        roundTrip(TestData.random(5000, 1), TestData.random(7000, 2));
        roundTrip(new byte[0], TestData.textLike(3000, 3));
        roundTrip(TestData.textLike(3000, 4), new byte[0]);
        roundTrip(new byte[0], new byte[0]);
        byte[] old = TestData.textLike(20000, 5);
        byte[] nw = TestData.edited(old, 6);
        byte[] padded = new byte[nw.length + 10];
        System.arraycopy(nw, 0, padded, 3, nw.length);
        BlockDiff.Result r = BlockDiff.diff(old, old.length, padded, 3, nw.length);
        assertArrayEquals(nw, BlockDelta.apply(old, old.length, r.delta(), 0, r.delta().length, nw.length, "d"));
        // an unrelated NEW is mostly literal
        BlockDiff.Result u = BlockDiff.diff(old, old.length, TestData.random(4000, 9), 0, 4000);
        assertTrue(u.literalBytes() > 3500, "random bytes cannot come from text: " + u.literalBytes());
    }

    @Test
    void everyTruncationAndEveryBitFlipFailsCleanlyOrStillChecksOut() throws Exception {
        byte[] old = Arrays.copyOf(realBinary(), 20000);
        byte[] nw = TestData.edited(old, 11);
        byte[] delta = BlockDiff.diff(old, old.length, nw, 0, nw.length).delta();
        for (int n = 0; n < delta.length; n++) {
            int len = n;
            assertThrows(CorruptInputException.class,
                    () -> BlockDelta.apply(old, old.length, delta, 0, len, 1 << 20, "delta"), "truncated at " + n);
        }
        SplittableRandom rnd = new SplittableRandom(12);
        for (int i = 0; i < 3000; i++) {
            byte[] bad = delta.clone();
            int at = rnd.nextInt(Math.min(bad.length, 200)); // the header and records, where lengths live
            bad[at] ^= (byte) (1 << rnd.nextInt(8));
            try {
                byte[] out = BlockDelta.apply(old, old.length, bad, 0, bad.length, 1 << 20, "delta");
                assertTrue(out.length <= 1 << 20);
            } catch (CorruptInputException expected) {
                assertTrue(expected.getMessage().startsWith("delta: "), expected.getMessage());
            }
        }
    }

    @Test
    void liesAboutLengthsArePinpointed() {
        byte[] old = new byte[10];
        // new length 5, 1 record: diff 5 from old position 8 (past the old buffer's end)
        byte[] readsPastOld = {5, 1, 5, 0, 8, 0, 0, 0, 0, 0};
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> BlockDelta.apply(old, old.length, readsPastOld, 0, readsPastOld.length, 100, "d"));
        assertTrue(e.getMessage().contains("reads old bytes 8..13 of 10"), e.getMessage());
        // a record count far beyond what the bytes can hold
        byte[] tooMany = {5, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
        e = assertThrows(CorruptInputException.class,
                () -> BlockDelta.apply(old, old.length, tooMany, 0, tooMany.length, 100, "d"));
        assertTrue(e.getMessage().contains("records cannot fit"), e.getMessage());
        // a new length over the caller's limit
        byte[] big = {(byte) 0x80, (byte) 0x80, 0x40, 0};
        e = assertThrows(CorruptInputException.class, () -> BlockDelta.apply(old, old.length, big, 0, big.length,
                100, "d"));
        assertTrue(e.getMessage().contains("exceeds the limit 100"), e.getMessage());
        // data bytes after the records that do not add up
        byte[] shortData = {3, 1, 0, 3, 0, 1, 2};
        e = assertThrows(CorruptInputException.class,
                () -> BlockDelta.apply(old, old.length, shortData, 0, shortData.length, 100, "d"));
        assertTrue(e.getMessage().contains("2 data bytes, 3 expected"), e.getMessage());
        // a varint that does not end within 5 bytes
        byte[] endless = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1};
        e = assertThrows(CorruptInputException.class,
                () -> BlockDelta.apply(old, old.length, endless, 0, endless.length, 100, "d"));
        assertTrue(e.getMessage().contains("not a 32-bit varint"), e.getMessage());
    }
}
