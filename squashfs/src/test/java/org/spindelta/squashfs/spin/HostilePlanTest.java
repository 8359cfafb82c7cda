package org.spindelta.squashfs.spin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spindelta.bsdiff.format.PatchFormat;
import org.spindelta.bsdiff.generate.BsDiff;
import org.spindelta.bsdiff.generate.DiffOptions;
import org.spindelta.core.LimitExceededException;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;

/**
 * Plans the diff never writes but a patch may carry: the applier's memory must not follow what the plan
 * claims. A BASE-bytes source many MiB long (the diff cuts them at 1 MiB) is read in pieces and rebuilds
 * the same target; a header announcing a plan larger than the heap holds is refused in one line before
 * anything is allocated or written.
 */
class HostilePlanTest {
    @TempDir
    Path dir;

    /** BASE: random bytes; target: BASE then {@code tail} new bytes; OLD is all of BASE as one source. */
    private Path patchWithOneLongSource(Path base, Path target, int baseLength, int tail) throws IOException {
        SplittableRandom r = new SplittableRandom(42);
        byte[] b = new byte[baseLength];
        r.nextBytes(b);
        byte[] t = java.util.Arrays.copyOf(b, baseLength + tail);
        byte[] added = new byte[tail];
        r.nextBytes(added);
        System.arraycopy(added, 0, t, baseLength, tail);
        Files.write(base, b);
        Files.write(target, t);
        Path newFile = dir.resolve("new.bin");
        Files.write(newFile, added);
        Path content = dir.resolve("content.spdw");
        BsDiff.diff(base, newFile, content, new DiffOptions(PatchFormat.SPDW_STORED, 128L << 20, 2, 0, 0),
                Progress.NONE);
        SpinPlan plan = new SpinPlan(baseLength, Sha256.of(b, 0, b.length), t.length, Sha256.of(t, 0, t.length),
                List.of(), List.of(), List.of(), List.of(new Source.BaseBytes(0, baseLength)),
                List.of(new Op.Copy(0, baseLength), new Op.Literal(tail)), List.of());
        Path patch = dir.resolve("p.spin");
        try (FileChannel out = FileChannel.open(patch, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            SpinDiff.writePatch(out, plan, content, 2);
        }
        assertEquals(plan, SpinApply.readPlan(patch), "the hand-made plan reads back");
        return patch;
    }

    @Test
    void aBaseBytesSourceOfManyMebibytesIsReadInPieces() throws Exception {
        int length = 5 * PieceBuffers.PIECE + 12_345; // five whole pieces and a part
        Path base = dir.resolve("base.bin");
        Path target = dir.resolve("target.bin");
        Path patch = patchWithOneLongSource(base, target, length, 70_000);
        Path out = dir.resolve("out.bin");
        SpinApply.apply(base, patch, out, new SpinApply.Options(2), SystemRecompressors.INSTANCE, Progress.NONE);
        assertArrayEquals(Files.readAllBytes(target), Files.readAllBytes(out));
        Source tooLong = new Source.BaseBytes(0, PieceBuffers.PIECE + 1L);
        assertThrows(IllegalArgumentException.class, () -> SourceReader.read(null, List.of(), tooLong, null,
                new PieceBuffers(16, 1)), "never read whole");
    }

    @Test
    void aPlanLargerThanTheHeapHoldsIsRefusedBeforeAllocating() throws Exception {
        Path base = dir.resolve("base.bin");
        Path patch = patchWithOneLongSource(base, dir.resolve("target.bin"), 100_000, 1_000);
        byte[] head = new byte[SpinPatchHeader.SIZE];
        try (FileChannel ch = FileChannel.open(patch, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.read(ByteBuffer.wrap(head), 0);
            SpinPatchHeader h = SpinPatchHeader.parse(head, ch.size());
            long claim = SpinPatchHeader.MAX_PLAN; // the format's own limit, 1 GiB: more than a quarter of this heap
            assertTrue(claim > Runtime.getRuntime().maxMemory() / 4, "the test JVM's heap is over 4 GiB");
            SpinPatchHeader hostile = new SpinPatchHeader(h.baseLength(), h.baseSha256(), h.targetLength(),
                    h.targetSha256(), h.planLength(), claim, h.contentLength(), h.contentDecodedLength());
            ch.write(ByteBuffer.wrap(hostile.encode()), 0);
        }
        Path out = dir.resolve("out.bin");
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> SpinApply.apply(base, patch,
                out, new SpinApply.Options(2), SystemRecompressors.INSTANCE, Progress.NONE));
        assertEquals(1, e.getMessage().lines().count(), e::getMessage);
        assertTrue(e.getMessage().contains("plan decodes to 1.0 GiB"), e::getMessage);
        assertFalse(Files.exists(out));
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".spindelta-")), "temp files left");
        }
    }
}
