package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spindelta.squashfs.format.SquashfsConstants.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;
import org.spindelta.squashfs.format.FragmentEntry;
import org.spindelta.squashfs.read.FragmentTable;
import org.spindelta.squashfs.read.SquashfsImage;

/** The fragment table of the synthetic image, and its hostile variants. */
class FragmentTableTest {
    static final SyntheticImage IMAGE = new SyntheticImage();

    @TempDir
    Path dir;

    private SquashfsImage open(byte[] image) throws IOException {
        Path p = dir.resolve("image.sqfs");
        Files.write(p, image);
        return SquashfsImage.open(p);
    }

    @Test
    void readsEntriesAndBlocks() throws IOException {
        try (SquashfsImage img = open(IMAGE.bytes()); FragmentTable t = FragmentTable.read(img)) {
            assertEquals(2, t.count());
            FragmentEntry e0 = t.entry(0);
            assertEquals(IMAGE.fragmentStarts[0], e0.start());
            assertTrue(e0.compressed());
            FragmentEntry e1 = t.entry(1);
            assertFalse(e1.compressed());
            assertEquals(SyntheticImage.FRAGMENT1.length, e1.storedSize());
            assertArrayEquals(SyntheticImage.FRAGMENT0, t.readBlock(0));
            assertArrayEquals(SyntheticImage.FRAGMENT1, t.readBlock(1));
            CorruptInputException e = assertThrows(CorruptInputException.class, () -> t.entry(2));
            assertTrue(e.getMessage().contains("fragment index 2 outside [0, 2)"), e::getMessage);
        }
    }

    /** CVE-2015-4645 class: a count whose index (64 MiB here) cannot fit before the next table. */
    @Test
    void fragmentCountOverflowingTheTableSpanIsRejected() throws IOException {
        byte[] b = IMAGE.withInt(SB_FRAGMENT_COUNT, -1);
        LittleEndian.putInt(b, SB_INODE_COUNT, -1);
        try (SquashfsImage img = open(b)) {
            CorruptInputException e = assertThrows(CorruptInputException.class, () -> FragmentTable.read(img));
            assertTrue(e.getMessage().contains("fragment_count 4294967295 at byte 16")
                    && e.getMessage().contains("67108864 bytes") && e.getMessage().contains("id_table_start"),
                    e::getMessage);
        }
    }

    @Test
    void fragmentCountDisagreeingWithTheBlockIsRejected() throws IOException {
        byte[] b = IMAGE.withInt(SB_FRAGMENT_COUNT, 3);
        LittleEndian.putInt(b, SB_INODE_COUNT, 5);
        try (SquashfsImage img = open(b); FragmentTable t = FragmentTable.read(img)) {
            CorruptInputException e = assertThrows(CorruptInputException.class, () -> t.entry(0));
            assertTrue(e.getMessage().contains("decodes to 32 bytes") && e.getMessage().contains("requires 48"),
                    e::getMessage);
        }
    }

    @Test
    void indexEntryOutsideItsSpanIsRejected() throws IOException {
        byte[] b = IMAGE.withLong((int) IMAGE.fragmentTable, IMAGE.inodeTable);
        try (SquashfsImage img = open(b)) {
            CorruptInputException e = assertThrows(CorruptInputException.class, () -> FragmentTable.read(img));
            assertTrue(e.getMessage().contains("fragment table index entry 0"), e::getMessage);
        }
    }

    @Test
    void fragmentOutsideTheDataAreaIsRejected() {
        byte[] entries = new byte[16];
        LittleEndian.putLong(entries, 0, IMAGE.inodeTable - 10);
        LittleEndian.putInt(entries, 8, 20);
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> FragmentEntry.parse(entries, 0, 7, SUPERBLOCK_SIZE, IMAGE.inodeTable, IMAGE.blockSize));
        assertTrue(e.getMessage().contains("fragment 7") && e.getMessage().contains("outside the data area"),
                e::getMessage);
    }

    @Test
    void fragmentLargerThanABlockIsRejected() {
        byte[] entries = new byte[16];
        LittleEndian.putLong(entries, 0, SUPERBLOCK_SIZE);
        LittleEndian.putInt(entries, 8, IMAGE.blockSize + 1);
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> FragmentEntry.parse(entries, 0, 0, SUPERBLOCK_SIZE, 1L << 30, IMAGE.blockSize));
        assertTrue(e.getMessage().contains("stored size 131073 outside [1, 131072]"), e::getMessage);
    }

    @Test
    void fragmentSizeWithUnknownBitsIsRejected() {
        byte[] entries = new byte[16];
        LittleEndian.putLong(entries, 0, SUPERBLOCK_SIZE);
        LittleEndian.putInt(entries, 8, 100 | 1 << 25);
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> FragmentEntry.parse(entries, 0, 0, SUPERBLOCK_SIZE, 1L << 30, IMAGE.blockSize));
        assertTrue(e.getMessage().contains("bits above bit 24"), e::getMessage);
    }

    @Test
    void corruptFragmentBlockNamesTheFragment() throws IOException {
        byte[] b = IMAGE.bytes();
        b[(int) IMAGE.fragmentStarts[0] + 5] ^= 0x55;
        try (SquashfsImage img = open(b); FragmentTable t = FragmentTable.read(img)) {
            CorruptInputException e = assertThrows(CorruptInputException.class, () -> t.readBlock(0));
            assertTrue(e.getMessage().startsWith("fragment block 0 at byte " + IMAGE.fragmentStarts[0] + ": gzip"),
                    e::getMessage);
        }
    }
}
