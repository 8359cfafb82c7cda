package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.read.MetadataBlock;
import org.spindelta.squashfs.read.MetadataReader;
import org.spindelta.squashfs.read.SquashfsImage;

/**
 * {@link MetadataReader} over the inode table of real images (compressed, and raw with -noI) whose table
 * spans several blocks: reads across block boundaries equal the concatenated decoded blocks, and
 * references outside the table or past a block's decoded length are rejected.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetadataReaderTest {
    private Path dir;
    private Path tree;

    @BeforeAll
    void build(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Peers.require("mksquashfs");
        tree = Files.createDirectories(dir.resolve("tree"));
        for (int i = 0; i < 700; i++) {
            Files.writeString(tree.resolve("file-" + i), "x".repeat(i % 50));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-comp gzip", "-comp zstd -noI"})
    void readsAcrossBlocksAndRejectsBadReferences(String options) throws Exception {
        Path img = dir.resolve(options.replaceAll("[^a-zA-Z]", "") + ".sqfs");
        List<String> cmd = new ArrayList<>(List.of(Peers.require("mksquashfs").toString(), tree.toString(),
                img.toString(), "-noappend", "-no-progress"));
        cmd.addAll(List.of(options.split(" ")));
        Peers.run(dir, cmd);
        try (SquashfsImage image = SquashfsImage.open(img); BlockDecompressor d = image.newDecompressor()) {
            long start = image.superBlock().inodeTable();
            long end = image.superBlock().directoryTable();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            List<MetadataBlock> blocks = new ArrayList<>();
            for (long p = start; p < end; ) {
                MetadataBlock b = image.metadataBlock(p, end, d);
                blocks.add(b);
                all.write(b.data());
                p = b.next();
            }
            assertTrue(blocks.size() >= 3, "inode table of " + blocks.size() + " blocks");
            byte[] decoded = all.toByteArray();

            MetadataReader r = new MetadataReader(image, start, end, "inode table", d);
            r.seek(0);
            assertArrayEquals(decoded, r.readBytes(decoded.length));
            assertThrows(CorruptInputException.class, r::readU16, "the table is exhausted");

            // 10 bytes straddling the end of block 0 and the start of block 1
            r.seek(0, 8190);
            assertArrayEquals(Arrays.copyOfRange(decoded, 8190, 8200), r.readBytes(10));
            assertEquals(blocks.get(1).position() - start << 16 | 8, r.reference());
            r.seek(blocks.get(1).position() - start, 5);
            assertEquals(LittleEndian.getInt(decoded, 8192 + 5) & 0xFFFF_FFFFL, r.readU32());
            assertEquals(LittleEndian.getLong(decoded, 8192 + 9), r.readU64());
            r.seek(0, 8191);
            assertEquals((decoded[8191] & 0xFF) | (decoded[8192] & 0xFF) << 8, r.readU16());

            MetadataBlock last = blocks.get(blocks.size() - 1);
            long lastRef = last.position() - start << 16;
            CorruptInputException e = assertThrows(CorruptInputException.class,
                    () -> r.seek(lastRef | last.length()));
            assertTrue(e.getMessage().contains("offset " + last.length() + " in the block at byte " + last.position()
                    + " outside [0, " + last.length() + ")"), e::getMessage);
            e = assertThrows(CorruptInputException.class, () -> r.seek((end - start) << 16));
            assertTrue(e.getMessage().contains("block offset " + (end - start) + " outside [0, " + (end - start) + ")"),
                    e::getMessage);
            assertThrows(CorruptInputException.class, () -> r.seek(-1L));
        }
    }
}
