package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spindelta.core.Sha256;
import org.spindelta.squashfs.chunk.Chunk;
import org.spindelta.squashfs.chunk.ChunkKind;
import org.spindelta.squashfs.chunk.ChunkMap;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.read.FileReader;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;

/**
 * An image over 4 GiB, made by mksquashfs (uncompressed data, so it takes ~10 s) from a 4.4 GB pseudo
 * file and small files whose tails land in a fragment block past 4 GiB: 64-bit offsets in the
 * superblock, the fragment table, ext file inodes, the reader's positions and the chunk map.
 */
class LargeImageTest {
    private static final String LINE = "spindelta-over-4GiB\n";
    private static final long BIG = 4_400_000_000L;
    private static final long FOUR_GIB = 1L << 32;

    @Test
    void imageOver4GiBReadsAndMapsExactly(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.getFileStore(dir).getUsableSpace() > BIG + (2L << 30),
                "needs ~6.5 GB free in " + dir);
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "small\n");
        Path img = dir.resolve("big.sqfs");
        Peers.run(dir, List.of(Peers.require("mksquashfs").toString(), src.toString(), img.toString(), "-noappend",
                "-no-progress", "-noD", "-p", "big f 644 0 0 yes " + LINE.strip() + " | head -c " + BIG,
                "-p", "zz-after f 644 0 0 printf after-4GiB"));
        try {
            check(img);
        } finally {
            Files.delete(img);
        }
    }

    private static void check(Path img) throws IOException {
        try (SquashfsImage image = SquashfsImage.open(img); SquashfsTree tree = SquashfsTree.open(image);
                FileReader reader = FileReader.open(image)) {
            assertTrue(image.superBlock().bytesUsed() > BIG, "bytes_used " + image.superBlock().bytesUsed());
            Inode.File big = (Inode.File) tree.lookup("big").orElseThrow().inode();
            assertEquals(BIG, big.size());
            assertTrue(big.extended(), "a file over 4 GiB needs an ext inode (u64 size)");

            // random access past 4 GiB
            byte[] pattern = LINE.getBytes(StandardCharsets.US_ASCII);
            for (long at : new long[] {FOUR_GIB - 7, FOUR_GIB + 12_345, BIG - 100}) {
                byte[] got = new byte[100];
                assertEquals(100, reader.read(big, at, got, 0, 100));
                byte[] want = new byte[100];
                for (int i = 0; i < 100; i++) {
                    want[i] = pattern[(int) ((at + i) % pattern.length)];
                }
                assertArrayEquals(want, got, "bytes at " + at);
            }
            // the whole file, streamed
            MessageDigest md = Sha256.newDigest();
            byte[] buf = new byte[1 << 20];
            long total = 0;
            try (InputStream in = reader.open(big)) {
                for (int n; (n = in.read(buf)) > 0; total += n) {
                    md.update(buf, 0, n);
                }
            }
            assertEquals(BIG, total);
            assertArrayEquals(patternDigest(pattern), md.digest(), "SHA-256 of big");

            Inode.File after = (Inode.File) tree.lookup("zz-after").orElseThrow().inode();
            byte[] tail = new byte[10];
            assertEquals(10, reader.read(after, 0, tail, 0, 10));
            assertEquals("after-4GiB", new String(tail, StandardCharsets.US_ASCII));

            ChunkMap map = ChunkMap.build(image);
            long at = 0;
            Map<ChunkKind, Long> lastOffset = new HashMap<>();
            for (Chunk c : map.chunks()) {
                assertEquals(at, c.offset());
                at = c.end();
                lastOffset.put(c.kind(), c.offset());
            }
            assertEquals(Files.size(img), at);
            assertTrue(lastOffset.get(ChunkKind.FRAGMENT_BLOCK) > FOUR_GIB, "the fragment block lies past 4 GiB");
            assertTrue(lastOffset.get(ChunkKind.INODE_TABLE) > FOUR_GIB, "so do the tables");
            long blocks = 0;
            for (String name : List.of("a.txt", "big", "zz-after")) {
                blocks += ((Inode.File) tree.lookup(name).orElseThrow().inode()).blockSizes().length;
            }
            assertTrue(blocks >= BIG / image.superBlock().blockSize());
            assertEquals(blocks, map.chunks().stream().filter(c -> c.kind() == ChunkKind.DATA_BLOCK).count());
        }
    }

    /** SHA-256 of LINE repeated up to BIG bytes, computed independently of the image. */
    private static byte[] patternDigest(byte[] line) {
        MessageDigest md = Sha256.newDigest();
        byte[] chunk = new byte[line.length * 50_000];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = line[i % line.length];
        }
        long left = BIG;
        while (left > 0) {
            int n = (int) Math.min(left, chunk.length);
            md.update(chunk, 0, n);
            left -= n;
        }
        return md.digest();
    }
}
