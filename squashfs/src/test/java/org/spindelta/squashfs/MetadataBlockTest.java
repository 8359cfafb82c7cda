package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.format.Compressor;
import org.spindelta.squashfs.read.ImageSource;
import org.spindelta.squashfs.read.MetadataBlock;

/** Metadata block headers and contents: the 1..8192 rules on disk and after decompression. */
class MetadataBlockTest {
    @TempDir
    Path dir;

    private MetadataBlock read(byte[] file, long pos, long end) throws IOException {
        Path p = dir.resolve("meta.bin");
        Files.write(p, file);
        try (ImageSource src = ImageSource.open(p);
                BlockDecompressor gzip = BlockDecompressor.forCompressor(Compressor.ZLIB, null)) {
            return MetadataBlock.read(src, pos, end, gzip);
        }
    }

    private static byte[] block(int header, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header & 0xFF);
        out.write(header >>> 8);
        out.writeBytes(body);
        return out.toByteArray();
    }

    @Test
    void compressedAndStoredBlocksDecode() throws IOException {
        byte[] data = SyntheticImage.text(8192, 9);
        byte[] z = SyntheticImage.zlib(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(block(z.length, z));
        out.writeBytes(block(0x8000 | 100, java.util.Arrays.copyOf(data, 100)));
        byte[] file = out.toByteArray();

        MetadataBlock first = read(file, 0, file.length);
        assertTrue(first.compressed());
        assertArrayEquals(data, first.data());
        assertEquals(2 + z.length, first.next());

        MetadataBlock second = read(file, first.next(), file.length);
        assertFalse(second.compressed());
        assertEquals(100, second.length());
        assertEquals(file.length, second.next());
    }

    @Test
    void headerClaiming9000BytesIsRejected() {
        byte[] file = block(9000, new byte[9000]);
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> read(file, 0, file.length));
        assertTrue(e.getMessage().contains("claims 9000 stored bytes") && e.getMessage().contains("[1, 8192]"),
                e::getMessage);
        assertTrue(e.getMessage().contains("at byte 0"), e::getMessage);
    }

    @Test
    void storedHeaderClaiming9000BytesIsRejected() {
        byte[] file = block(0x8000 | 9000, new byte[9000]);
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> read(file, 0, file.length));
        assertTrue(e.getMessage().contains("claims 9000"), e::getMessage);
    }

    @Test
    void zeroSizeHeaderIsRejected() {
        byte[] file = block(0x8000, new byte[10]);
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> read(file, 0, file.length));
        assertTrue(e.getMessage().contains("claims 0 stored bytes"), e::getMessage);
    }

    /** A small zlib stream that inflates to 9000 bytes: a metadata "bomb" one byte over the limit. */
    @Test
    void blockDecompressingPast8192IsRejected() {
        byte[] z = SyntheticImage.zlib(new byte[9000]);
        assertTrue(z.length < 100, "zeros compress well");
        byte[] file = block(z.length, z);
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> read(file, 0, file.length));
        assertTrue(e.getMessage().contains("metadata block at byte 0")
                && e.getMessage().contains("gzip") && e.getMessage().contains("more than 8192"), e::getMessage);
    }

    @Test
    void blockDecompressingToExactly8192IsAccepted() throws IOException {
        byte[] z = SyntheticImage.zlib(new byte[8192]);
        byte[] file = block(z.length, z);
        assertEquals(8192, read(file, 0, file.length).length());
    }

    @Test
    void blockRunningPastItsTableIsRejected() {
        byte[] file = block(0x8000 | 100, new byte[100]);
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> read(file, 0, 50));
        assertTrue(e.getMessage().contains("past the end of its table at byte 50"), e::getMessage);
    }

    @Test
    void truncatedFileIsRejected() {
        byte[] file = java.util.Arrays.copyOf(block(0x8000 | 100, new byte[100]), 60);
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> read(file, 0, file.length));
        assertTrue(e.getMessage().contains("metadata block at byte 0"), e::getMessage);
    }

    @Test
    void corruptZlibIsRejectedAsCorrupt() {
        byte[] body = SyntheticImage.text(300, 5);
        byte[] file = block(body.length, body);
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> read(file, 0, file.length));
        assertTrue(e.getMessage().contains("gzip block of 300 bytes is corrupt"), e::getMessage);
    }

    @Test
    void headerPositionOutsideTheImageIsRejected() {
        byte[] file = block(0x8000 | 4, new byte[4]);
        assertThrows(CorruptInputException.class, () -> read(file, file.length - 1, file.length));
        assertThrows(CorruptInputException.class, () -> read(file, -5, file.length));
    }
}
