package org.spindelta.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hash that runs beside an apply: the digest of the whole region whatever the order and size of
 * the steps it is allowed, never a byte read past what it was allowed (an output's hash reads only
 * what is written), released by {@code await} when the apply stops moving, and stoppable.
 */
@Timeout(60)
class TrailingSha256Test {
    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void anOutputIsHashedOnlyBehindWhatIsWritten() throws IOException {
        // the file grows while it is hashed; a read past the frontier would find its end and fail
        byte[] data = random(5 * (1 << 20) + 12345, 1);
        Path f = dir.resolve("new");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
                TrailingSha256 hash = new TrailingSha256(ch, data.length, 0, "NEW")) {
            int[] cuts = {0, 7, 1 << 20, (1 << 20) + 1, 3 * (1 << 20), data.length};
            for (int i = 1; i < cuts.length; i++) {
                ch.write(ByteBuffer.wrap(data, cuts[i - 1], cuts[i] - cuts[i - 1]), cuts[i - 1]);
                hash.reached(cuts[i]);
                sleepABit();
            }
            assertArrayEquals(Sha256.of(data, 0, data.length), hash.await());
        }
    }

    @Test
    void oldIsHashedWholeWhenTheApplyReadsLittleOfIt() throws IOException {
        // the apply reads only the first MiB and stops (NEW made of extra bytes): await lets it finish
        byte[] data = random((int) (2 * TrailingSha256.INPUT_LEAD + 999), 2);
        Path f = dir.resolve("old");
        Files.write(f, data);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ);
                TrailingSha256 hash = new TrailingSha256(ch, data.length, TrailingSha256.INPUT_LEAD, "OLD")) {
            hash.reached(1 << 20);
            assertArrayEquals(Sha256.of(data, 0, data.length), hash.await());
        }
    }

    @Test
    void emptyRegion() throws IOException {
        Path f = dir.resolve("empty");
        Files.write(f, new byte[0]);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ);
                TrailingSha256 hash = new TrailingSha256(ch, 0, 0, "OLD")) {
            assertArrayEquals(Sha256.of(new byte[0], 0, 0), hash.await());
        }
    }

    @Test
    void aFileShorterThanTheRegionIsAnErrorNamingIt() throws IOException {
        Path f = dir.resolve("short");
        Files.write(f, random(1000, 3));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ);
                TrailingSha256 hash = new TrailingSha256(ch, 5000, TrailingSha256.INPUT_LEAD, "OLD")) {
            CorruptInputException e = assertThrows(CorruptInputException.class, hash::await);
            assertTrue(e.getMessage().contains("OLD ended at byte 1000"), e.getMessage());
        }
    }

    @Test
    void afterAFailedApplyTheDigestOrTheHashsOwnFailureIsGiven() throws IOException {
        byte[] data = random(3000, 5);
        Path f = dir.resolve("old");
        Files.write(f, data);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            IOException applyFailure = new IOException("the apply failed");
            try (TrailingSha256 hash = new TrailingSha256(ch, data.length, 0, "OLD")) {
                assertArrayEquals(Sha256.of(data, 0, data.length), hash.awaitAfter(applyFailure));
                assertEquals(0, applyFailure.getSuppressed().length);
            }
            try (TrailingSha256 hash = new TrailingSha256(ch, data.length + 1, 0, "OLD")) {
                assertNull(hash.awaitAfter(applyFailure));
                assertTrue(applyFailure.getSuppressed()[0] instanceof CorruptInputException);
            }
        }
    }

    @Test
    void anInputsHashOutlivesTheApplysChannel() throws IOException {
        // a pool that cancels its tasks interrupts a read, and the interrupt closes the channel being read: the
        // input's hash reads through a channel of its own, so it still gives the digest
        byte[] data = random(3 * (1 << 20) + 7, 6);
        Path f = dir.resolve("base");
        Files.write(f, data);
        FileChannel applys = FileChannel.open(f, StandardOpenOption.READ);
        try (TrailingSha256 hash = TrailingSha256.ofFile(f, data.length, 0, "BASE")) {
            hash.reached(1 << 20);
            Thread reader = new Thread(() -> {
                Thread.currentThread().interrupt();
                try {
                    applys.read(ByteBuffer.allocate(16), 0);
                } catch (IOException expected) {
                    // ClosedByInterruptException: the channel is closed now
                }
            });
            reader.start();
            try {
                reader.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertFalse(applys.isOpen(), "the interrupt closed the apply's channel");
            assertArrayEquals(Sha256.of(data, 0, data.length), hash.await());
        }
    }

    @Test
    void closedBeforeItMayReadItStopsAndMakesNoDigest() throws IOException {
        Path f = dir.resolve("old");
        Files.write(f, random(4096, 4));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            TrailingSha256 hash = new TrailingSha256(ch, 4096, 0, "OLD");
            hash.close();
            assertThrows(InterruptedIOException.class, hash::await);
            assertTrue(ch.isOpen(), "stopping the hash must not close the channel it shares with the apply");
        }
    }

    private static void sleepABit() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
