package org.spindelta.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs appear whole or not at all, beside their target, with the mode any new file gets. */
class StagedOutputTest {

    @Test
    void commitRenamesIntoPlaceWithTheUmasksMode(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("out.bin");
        try (StagedOutput o = StagedOutput.create(target)) {
            assertEquals(dir, o.tempPath().getParent(), "the temporary file is beside the target");
            assertTrue(o.tempPath().getFileName().toString().startsWith(".out.bin."));
            o.channel().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertFalse(Files.exists(target), "nothing at the target before commit");
            o.commit();
        }
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target),
                "the same mode as a file created the ordinary way (not createTempFile's 0600)");
    }

    @Test
    void closeWithoutCommitLeavesNothing(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("out.bin");
        Files.writeString(target, "old");
        try (StagedOutput o = StagedOutput.create(target)) {
            o.channel().write(ByteBuffer.wrap(new byte[] {9}));
        }
        assertEquals("old", Files.readString(target), "an existing target is untouched");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left");
        }
    }

    @Test
    void missingDirectoryOrDirectoryTargetIsRefused(@TempDir Path dir) {
        SpindeltaException e = assertThrows(SpindeltaException.class,
                () -> StagedOutput.create(dir.resolve("nope/out.bin")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        e = assertThrows(SpindeltaException.class, () -> StagedOutput.create(dir));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }
}
