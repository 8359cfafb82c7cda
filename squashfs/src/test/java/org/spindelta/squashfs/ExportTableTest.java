package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.read.ExportTable;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;

/**
 * The export table and the directory index against the tree: every inode number the walk meets maps to
 * the same inode reference in the export table, and ext directory inodes whose listing spans metadata
 * blocks carry index entries that name the listing's headers (the walk checks them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportTableTest {
    private Path dir;
    private Path src;

    @BeforeAll
    void build(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        src = Files.createDirectories(dir.resolve("src"));
        // 1500 long names: the listing takes ~20 metadata blocks, so the directory gets index entries
        Path wide = Files.createDirectories(src.resolve("wide"));
        for (int i = 0; i < 1500; i++) {
            Files.writeString(wide.resolve(String.format("entry-%04d-", i) + "n".repeat(90)), Integer.toString(i));
        }
        long[] budget = {1_500_000};
        TestTrees.copyTree(Path.of("/usr/share/perl5"), src.resolve("perl5"), budget);
        Files.createLink(src.resolve("hardlink"), wide.resolve(String.format("entry-%04d-", 7) + "n".repeat(90)));
    }

    private Path mksquashfs(String name, String... options) throws Exception {
        Path img = dir.resolve(name + ".sqfs");
        if (!Files.exists(img)) {
            List<String> cmd = new ArrayList<>(List.of(Peers.require("mksquashfs").toString(), src.toString(),
                    img.toString(), "-noappend", "-no-progress"));
            cmd.addAll(List.of(options));
            Peers.run(dir, cmd);
        }
        return img;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "xz", "zstd"})
    void everyInodeNumberMapsToItsInode(String comp) throws Exception {
        Path img = mksquashfs(comp, "-comp", comp);
        Set<Long> numbers = new HashSet<>();
        int[] indexed = {0};
        try (SquashfsImage image = SquashfsImage.open(img); SquashfsTree tree = SquashfsTree.open(image);
                ExportTable export = ExportTable.read(image)) {
            assertTrue(export.present());
            assertEquals(image.superBlock().inodeCount(), export.count());
            tree.walk(n -> {
                long number = n.inode().header().inodeNumber();
                numbers.add(number);
                assertEquals(n.inodeRef(), export.inodeRef(number), n.path());
                if (n.inode() instanceof Inode.Directory d) {
                    indexed[0] += d.index().size();
                }
            });
            assertThrows(CorruptInputException.class, () -> export.inodeRef(0));
            assertThrows(CorruptInputException.class, () -> export.inodeRef(export.count() + 1));
        }
        assertEquals(numbers.size(), numbers.stream().mapToLong(Long::longValue).max().orElseThrow(),
                "inode numbers are 1..n without gaps");
        assertTrue(indexed[0] >= 10, "the wide directory has index entries: " + indexed[0]);
    }

    @Test
    void noExportsImageHasAnEmptyTable() throws Exception {
        Path img = mksquashfs("no-exports", "-no-exports");
        try (SquashfsImage image = SquashfsImage.open(img); ExportTable export = ExportTable.read(image)) {
            assertFalse(export.present());
            assertEquals(0, export.count());
            assertThrows(CorruptInputException.class, () -> export.inodeRef(1));
        }
    }

    @Test
    void directoryIndexDisagreeingWithTheListingIsRejected() throws Exception {
        byte[] b = Files.readAllBytes(mksquashfs("plain", "-noI", "-noD", "-noF", "-noX"));
        int inodeTable = (int) LittleEndian.getLong(b, 64);
        int dirTable = (int) LittleEndian.getLong(b, 72);
        // an index entry's name is a header's first name; in the inode table only index entries hold names
        byte[] name = ("-" + "n".repeat(90)).getBytes();
        int at = indexOf(b, name, inodeTable, dirTable);
        assertTrue(at > 0, "an index entry name in the inode table");
        b[at - 2] ^= 1; // the entry number in "entry-NNNN-": now names a header that does not start there
        Path bad = dir.resolve("bad-index.sqfs");
        Files.write(bad, b);
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> {
            try (SquashfsImage image = SquashfsImage.open(bad); SquashfsTree tree = SquashfsTree.open(image)) {
                tree.walk(n -> { });
            }
        });
        assertTrue(e.getMessage().contains("directory index entry") && e.getMessage().contains("disagrees"),
                e::getMessage);
    }

    @Test
    void exportEntryOutsideTheInodeTableIsRejected() throws Exception {
        byte[] b = Files.readAllBytes(mksquashfs("plain", "-noI", "-noD", "-noF", "-noX"));
        int exportIndex = (int) LittleEndian.getLong(b, 88);
        int block = (int) LittleEndian.getLong(b, exportIndex);
        LittleEndian.putLong(b, block + 2, 0x7FFF_FFFFL << 16);
        Path bad = dir.resolve("bad-export.sqfs");
        Files.write(bad, b);
        try (SquashfsImage image = SquashfsImage.open(bad); ExportTable export = ExportTable.read(image)) {
            CorruptInputException e = assertThrows(CorruptInputException.class, () -> export.inodeRef(1));
            assertTrue(e.getMessage().contains("export table entry for inode 1"), e::getMessage);
        }
    }

    private static int indexOf(byte[] b, byte[] what, int from, int to) {
        outer:
        for (int i = from; i + what.length <= to; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
