package org.spindelta.jigdo.match;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionComparisonTest {
    @TempDir
    Path dir;

    private static Candidate candidate(Path file, long size) {
        return new Candidate("L", file.getFileName().toString(), file, size);
    }

    @Test
    void comparesAcrossBufferBoundariesAndFindsALateDifference() throws IOException {
        byte[] file = Files.readAllBytes(Path.of("/usr/bin/ls"));
        int extra = RegionComparison.BUFFER_SIZE + 12345 - file.length; // the region spans two buffers
        byte[] content = Arrays.copyOf(file, file.length + Math.max(extra, 0));
        byte[] image = new byte[content.length + 4096];
        System.arraycopy(content, 0, image, 777, content.length);
        Path img = Files.write(dir.resolve("image"), image);
        Path same = Files.write(dir.resolve("same"), content);
        byte[] late = content.clone();
        late[late.length - 1] ^= 1; // differs in the last byte of the second buffer only
        Path lastByte = Files.write(dir.resolve("late"), late);
        try (FileChannel ch = FileChannel.open(img)) {
            RegionComparison c = new RegionComparison(ch);
            assertTrue(c.equal(candidate(same, content.length), 777, content.length));
            assertFalse(c.equal(candidate(lastByte, content.length), 777, content.length));
            assertFalse(c.equal(candidate(same, content.length), 778, content.length), "shifted region");
        }
    }

    @Test
    void aCandidateOfAnotherSizeOrGoneOrPastTheImageIsNotEqual() throws IOException {
        byte[] content = Files.readAllBytes(Path.of("/etc/services"));
        byte[] image = new byte[content.length + 100];
        System.arraycopy(content, 0, image, 100, content.length);
        Path img = Files.write(dir.resolve("image"), image);
        Path grown = Files.write(dir.resolve("grown"), Arrays.copyOf(content, content.length + 1));
        Path same = Files.write(dir.resolve("same"), content);
        try (FileChannel ch = FileChannel.open(img)) {
            RegionComparison c = new RegionComparison(ch);
            assertFalse(c.equal(candidate(grown, content.length), 100, content.length), "changed size since the scan");
            assertFalse(c.equal(candidate(dir.resolve("gone"), content.length), 100, content.length), "vanished");
            assertFalse(c.equal(candidate(dir, content.length), 100, content.length), "a directory now");
            assertFalse(c.equal(candidate(same, content.length), 101, content.length), "region past the image end");
        }
    }
}
