package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FormatException;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.format.CompressorOptions;
import org.spindelta.squashfs.format.SquashfsConstants;
import org.spindelta.squashfs.read.FragmentTable;
import org.spindelta.squashfs.read.SquashfsImage;

/** Opening images: whole files, regions of larger files, and files that are not (whole) images. */
class SquashfsImageTest {
    static final SyntheticImage IMAGE = new SyntheticImage();

    @TempDir
    Path dir;

    private Path write(String name, byte[] b) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    @Test
    void opensTheSyntheticImage() throws IOException {
        try (SquashfsImage img = SquashfsImage.open(write("a.sqfs", IMAGE.bytes()))) {
            assertEquals(IMAGE.bytesUsed, img.superBlock().bytesUsed());
            assertTrue(img.storedCompressorOptions().isEmpty());
            assertEquals(new CompressorOptions.Gzip(9, 15, 0), img.compressorOptions());
            assertEquals(SquashfsConstants.SUPERBLOCK_SIZE, img.dataStart());
            assertEquals(IMAGE.inodeTable, img.dataEnd());
            assertEquals(0, img.xattrIdCount());
        }
    }

    /** An image inside a larger file, as in an ISO: 32 KiB before it, junk after it. */
    @Test
    void opensAnImageEmbeddedInALargerFile() throws IOException {
        byte[] image = IMAGE.bytes();
        byte[] junk = SyntheticImage.text(5000, 77);
        byte[] file = new byte[32768 + image.length + junk.length];
        System.arraycopy(image, 0, file, 32768, image.length);
        System.arraycopy(junk, 0, file, 32768 + image.length, junk.length);
        Path p = write("iso.bin", file);
        try (SquashfsImage whole = SquashfsImage.open(write("a.sqfs", image));
                FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            try (SquashfsImage embedded = SquashfsImage.open(ch, 32768, image.length);
                    FragmentTable t = FragmentTable.read(embedded)) {
                assertEquals(whole.superBlock(), embedded.superBlock());
                assertEquals(whole.dataStart(), embedded.dataStart());
                assertTrue(Arrays.equals(SyntheticImage.FRAGMENT0, t.readBlock(0)));
            }
            assertTrue(ch.isOpen(), "the caller's channel stays open");
        }
    }

    @Test
    void regionPastTheEndOfTheFileIsRejected() throws IOException {
        Path p = write("a.sqfs", IMAGE.bytes());
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            CorruptInputException e = assertThrows(CorruptInputException.class,
                    () -> SquashfsImage.open(ch, 100, IMAGE.bytes.length));
            assertTrue(e.getMessage().contains("runs past the end of the file"), e::getMessage);
        }
    }

    @Test
    void truncatedImageNamesBytesUsed() throws IOException {
        Path p = write("cut.sqfs", Arrays.copyOf(IMAGE.bytes(), (int) IMAGE.bytesUsed - 1));
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> SquashfsImage.open(p));
        assertTrue(e.getMessage().contains("bytes_used " + IMAGE.bytesUsed) && e.getMessage().contains("truncated"),
                e::getMessage);
    }

    @Test
    void imageCutInsideTheSuperblockIsTruncatedNotForeign() throws IOException {
        Path p = write("cut.sqfs", Arrays.copyOf(IMAGE.bytes(), 50));
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> SquashfsImage.open(p));
        assertTrue(e.getMessage().contains("truncated"), e::getMessage);
    }

    @Test
    void tinyForeignFileIsNotSquashfs() throws IOException {
        assertThrows(FormatException.class, () -> SquashfsImage.open(write("t.txt", "hello".getBytes())));
        assertThrows(FormatException.class, () -> SquashfsImage.open(write("empty", new byte[0])));
    }

    /**
     * Random byte flips anywhere in the used part of the image: opening it, walking its inode and
     * directory metadata and reading every fragment either works or fails with our exception family;
     * a stray unchecked exception is a bug.
     */
    @Test
    void mutatedImagesFailOnlyWithFormatExceptions() throws IOException {
        java.util.SplittableRandom r = new java.util.SplittableRandom(2024);
        Path p = dir.resolve("mutant.sqfs");
        for (int round = 0; round < 3000; round++) {
            byte[] b = IMAGE.bytes();
            for (int k = 0; k < 1 + r.nextInt(3); k++) {
                int at = r.nextInt(round % 2 == 0 ? SquashfsConstants.SUPERBLOCK_SIZE : (int) IMAGE.bytesUsed);
                b[at] = (byte) (r.nextBoolean() ? r.nextInt(256) : b[at] ^ (1 << r.nextInt(8)));
            }
            Files.write(p, b);
            try (SquashfsImage img = SquashfsImage.open(p);
                    FragmentTable t = FragmentTable.read(img);
                    org.spindelta.squashfs.codec.BlockDecompressor d = img.newDecompressor()) {
                long pos = img.superBlock().inodeTable();
                while (pos < img.superBlock().directoryTable()) {
                    pos = img.metadataBlock(pos, img.superBlock().directoryTable(), d).next();
                }
                for (long i = 0; i < Math.min(t.count(), 10); i++) {
                    t.readBlock(i);
                }
            } catch (SpindeltaException expected) {
                // rejected with a message: fine
            } catch (RuntimeException e) {
                throw new AssertionError("round " + round + ": unchecked " + e, e);
            }
        }
    }

    @Test
    void missingFileIsNamed() {
        SpindeltaException e = assertThrows(SpindeltaException.class, () -> SquashfsImage.open(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("does not exist"), e::getMessage);
    }
}
