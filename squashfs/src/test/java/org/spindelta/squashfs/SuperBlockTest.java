package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spindelta.squashfs.format.SquashfsConstants.*;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FormatException;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.UnsupportedFormatException;
import org.spindelta.squashfs.format.Compressor;
import org.spindelta.squashfs.format.SuperBlock;

/** Every rejection branch of {@link SuperBlock#parse}: the exception type and a message naming the field. */
class SuperBlockTest {
    static final SyntheticImage IMAGE = new SyntheticImage();

    @Test
    void syntheticImageParses() throws Exception {
        SuperBlock s = SuperBlock.parse(IMAGE.superBlock(), IMAGE.bytes.length);
        assertEquals(Compressor.ZLIB, s.compressor());
        assertEquals(131072, s.blockSize());
        assertEquals(2, s.fragmentCount());
        assertEquals(IMAGE.bytesUsed, s.bytesUsed());
        assertTrue(s.noXattrs());
        assertFalse(s.compressorOptionsPresent());
        assertFalse(s.hasExportTable());
        assertTrue(s.hasFragmentTable());
        assertEquals(s, SuperBlock.parse(s.encode(), IMAGE.bytes.length), "encode is parse's inverse");
    }

    record Hostile(String name, byte[] superBlock, long imageLength, Class<? extends SpindeltaException> type,
            String[] mustContain) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Hostile hostile(String name, byte[] image, Class<? extends SpindeltaException> type, String... mustContain) {
        return new Hostile(name, java.util.Arrays.copyOf(image, SUPERBLOCK_SIZE), IMAGE.bytes.length, type, mustContain);
    }

    static Stream<Hostile> hostileSuperBlocks() {
        SyntheticImage i = IMAGE;
        return Stream.of(
                hostile("bad magic", i.withInt(SB_MAGIC, 0x464c457f), FormatException.class, "not a SquashFS image",
                        "magic"),
                hostile("big-endian magic", i.withInt(SB_MAGIC, MAGIC_BIG_ENDIAN), UnsupportedFormatException.class,
                        "big-endian"),
                hostile("version 3.0", i.withShort(SB_VERSION_MAJOR, 3), UnsupportedFormatException.class,
                        "version 3.0", "byte 28"),
                hostile("version 4.1", i.withShort(SB_VERSION_MINOR, 1), UnsupportedFormatException.class,
                        "version 4.1"),
                hostile("compressor id 7", i.withShort(SB_COMPRESSOR, 7), UnsupportedFormatException.class,
                        "compressor id 7", "byte 20", "6 zstd"),
                hostile("compressor id 0", i.withShort(SB_COMPRESSOR, 0), UnsupportedFormatException.class,
                        "compressor id 0"),
                hostile("block_size 3000", i.withInt(SB_BLOCK_SIZE, 3000), CorruptInputException.class,
                        "block_size 3000", "byte 12", "[4096, 1048576]"),
                hostile("block_size 2 MiB", i.withInt(SB_BLOCK_SIZE, 1 << 21), CorruptInputException.class,
                        "block_size 2097152"),
                hostile("block_size 0", i.withInt(SB_BLOCK_SIZE, 0), CorruptInputException.class, "block_size 0"),
                hostile("block_log mismatch", i.withShort(SB_BLOCK_LOG, 16), CorruptInputException.class,
                        "block_log 16", "byte 22", "expected 17"),
                hostile("bytes_used past the file", i.withLong(SB_BYTES_USED, i.bytes.length + 1L),
                        CorruptInputException.class, "bytes_used " + (i.bytes.length + 1), "byte 40", "truncated"),
                hostile("bytes_used 2^64-1", i.withLong(SB_BYTES_USED, -1L), CorruptInputException.class,
                        "bytes_used 18446744073709551615"),
                hostile("inode table inside the superblock", i.withLong(SB_INODE_TABLE, 50),
                        CorruptInputException.class, "inode_table_start 50", "byte 64", "[96,"),
                hostile("directory table before the inode table", i.withLong(SB_DIRECTORY_TABLE, i.inodeTable - 1),
                        CorruptInputException.class, "directory_table_start " + (i.inodeTable - 1), "byte 72",
                        "order"),
                hostile("fragment table before the directory table", i.withLong(SB_FRAGMENT_TABLE, i.directoryTable - 1),
                        CorruptInputException.class, "fragment_table_start", "byte 80"),
                hostile("id table past bytes_used", i.withLong(SB_ID_TABLE, i.bytesUsed), CorruptInputException.class,
                        "id_table_start " + i.bytesUsed, "byte 48"),
                hostile("id table absent", i.withLong(SB_ID_TABLE, NO_TABLE), CorruptInputException.class,
                        "id_table_start absent", "byte 48"),
                hostile("export table after the id table", i.withLong(SB_EXPORT_TABLE, i.idTable + 1),
                        CorruptInputException.class, "id_table_start", "order"),
                hostile("xattr id table before the id table", i.withLong(SB_XATTR_ID_TABLE, i.idTable),
                        CorruptInputException.class, "xattr_id_table_start", "byte 56"),
                hostile("fragments without a fragment table", i.withLong(SB_FRAGMENT_TABLE, NO_TABLE),
                        CorruptInputException.class, "fragment_table_start", "fragment_count"),
                hostile("more fragments than inodes", i.withInt(SB_FRAGMENT_COUNT, 4), CorruptInputException.class,
                        "fragment_count 4", "byte 16", "inode_count 3"),
                hostile("no inodes", i.withInt(SB_INODE_COUNT, 0), CorruptInputException.class, "inode_count 0",
                        "byte 4"),
                hostile("no ids", i.withShort(SB_ID_COUNT, 0), CorruptInputException.class, "id_count 0", "byte 26"),
                hostile("root inode past the inode table", i.withLong(SB_ROOT_INODE, 1L << 40),
                        CorruptInputException.class, "root_inode", "byte 32"),
                new Hostile("image shorter than bytes_used", java.util.Arrays.copyOf(i.bytes, SUPERBLOCK_SIZE),
                        i.bytesUsed - 1, CorruptInputException.class, new String[] {"bytes_used " + i.bytesUsed,
                            "image length " + (i.bytesUsed - 1)}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileSuperBlocks")
    void rejected(Hostile h) {
        SpindeltaException e = assertThrows(h.type(), () -> SuperBlock.parse(h.superBlock(), h.imageLength()));
        assertEquals(h.type(), e.getClass(), e::toString);
        for (String s : h.mustContain()) {
            assertTrue(e.getMessage().contains(s), () -> "message should mention '" + s + "': " + e.getMessage());
        }
    }

    static Stream<Arguments> compressorIds() {
        return Stream.of(Arguments.of(1, Compressor.ZLIB, "gzip"), Arguments.of(2, Compressor.LZMA, "lzma"),
                Arguments.of(3, Compressor.LZO, "lzo"), Arguments.of(4, Compressor.XZ, "xz"),
                Arguments.of(5, Compressor.LZ4, "lz4"), Arguments.of(6, Compressor.ZSTD, "zstd"));
    }

    /** squashfs_fs.h ids, not format.adoc's (which swaps lzo and lzma). */
    @ParameterizedTest(name = "id {0} is {2}")
    @MethodSource("compressorIds")
    void compressorIdsFollowSquashfsFsH(int id, Compressor c, String name) throws Exception {
        assertEquals(c, Compressor.fromId(id, SB_COMPRESSOR));
        assertEquals(id, c.id());
        assertEquals(name, c.toolName());
        assertEquals(c, Compressor.fromToolName(name));
        SuperBlock s = SuperBlock.parse(IMAGE.withShort(SB_COMPRESSOR, id), IMAGE.bytes.length);
        assertEquals(c, s.compressor());
    }
}
