package org.spindelta.squashfs.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.spindelta.squashfs.chunk.Chunk;
import org.spindelta.squashfs.chunk.ChunkKind;
import org.spindelta.squashfs.chunk.ChunkMap;
import org.spindelta.squashfs.chunk.ChunkUse;
import org.spindelta.squashfs.format.CompressorOptions;
import org.spindelta.squashfs.format.FragmentEntry;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.read.ExportTable;
import org.spindelta.squashfs.read.FileLayout;
import org.spindelta.squashfs.read.FileReader;
import org.spindelta.squashfs.read.FragmentTable;
import org.spindelta.squashfs.read.IdTable;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;
import org.spindelta.squashfs.read.XattrTable;

/**
 * Every read API of an open image, called the way a user of the reader calls it, one probe after the
 * other. Each probe opens what it needs and lets our exceptions out; the fuzz target runs them all on
 * each input, so a table that is corrupt stops only its own probe. Where an API promises something of
 * its result (a count, an order, a cover of the image), the probe checks it: a broken promise is a
 * finding like a stray exception.
 *
 * <p>A new read API gets one probe here, added to {@link #ALL}. Not probed yet: extraction
 * ({@code extract.TreeExtractor}, into a fresh directory under /dev/shm per input, which costs file
 * system calls per file: a separate fuzz test may suit it better), the block encoders' self-check on
 * decoded blocks ({@code encode}), and the spin patch format once it reads patches.
 */
final class ReadProbes {
    /** One read API exercised on an open image. */
    @FunctionalInterface
    interface Probe {
        void run(SquashfsImage image, Budget budget) throws IOException;
    }

    /** Every probe, in the order the fuzz target runs them. */
    static final List<Probe> ALL = List.of(
            ReadProbes::superBlock,
            ReadProbes::idTable,
            ReadProbes::fragmentTable,
            ReadProbes::exportTable,
            ReadProbes::xattrTable,
            ReadProbes::tree,
            ReadProbes::chunkMap);

    /**
     * File bytes decoded per input. A sparse file, or many files sharing blocks, may legitimately claim
     * far more than the image holds (2^63 bytes of sparse blocks take a few bytes of block list), so the
     * probes stop reading there instead of calling a big file a bomb; 16 MiB keeps one input within tens
     * of milliseconds.
     */
    static final long FILE_BYTES_PER_INPUT = 16L << 20;

    /** Lookup table entries (fragments, export table, xattr ids) read per input and table. */
    static final long TABLE_ENTRIES_PER_INPUT = 4096;

    /** Paths of the walk looked up again by name, per input: a lookup lists every directory on the way. */
    static final int LOOKUPS_PER_INPUT = 64;

    private ReadProbes() {
    }

    /** What one input may still decode. Not thread-safe. */
    static final class Budget {
        private long fileBytes = FILE_BYTES_PER_INPUT;
        private int lookups = LOOKUPS_PER_INPUT;
        private final byte[] buffer = new byte[64 * 1024];
    }

    private static void superBlock(SquashfsImage image, Budget budget) throws IOException {
        image.superBlock().encode();
        Optional<CompressorOptions> stored = image.storedCompressorOptions();
        stored.ifPresent(CompressorOptions::lines);
        image.compressorOptions().lines();
        check(image.dataStart() <= image.dataEnd(), "data area [" + image.dataStart() + ", " + image.dataEnd()
                + ") is inverted");
        image.xattrIdCount();
        image.newDecompressor().close();
    }

    private static void idTable(SquashfsImage image, Budget budget) throws IOException {
        IdTable ids = IdTable.read(image);
        check(ids.count() == image.superBlock().idCount(), "id table has " + ids.count() + " ids, id_count is "
                + image.superBlock().idCount());
        for (int i = 0; i < ids.count(); i++) {
            ids.id(i);
        }
    }

    private static void fragmentTable(SquashfsImage image, Budget budget) throws IOException {
        try (FragmentTable fragments = FragmentTable.read(image)) {
            byte[] block = new byte[image.superBlock().blockSize()];
            for (long i = 0; i < Math.min(fragments.count(), TABLE_ENTRIES_PER_INPUT); i++) {
                FragmentEntry e = fragments.entry(i);
                check(e.start() >= image.dataStart() && e.start() + e.storedSize() <= image.dataEnd(),
                        "fragment " + i + " " + e + " lies outside the data area");
                if (budget.fileBytes > 0) {
                    int n = fragments.readBlock(i, block);
                    check(n >= 1 && n <= block.length, "fragment " + i + " decoded to " + n + " bytes");
                    budget.fileBytes -= n;
                }
            }
        }
    }

    private static void exportTable(SquashfsImage image, Budget budget) throws IOException {
        try (ExportTable export = ExportTable.read(image)) {
            check(export.count() == (export.present() ? image.superBlock().inodeCount() : 0),
                    "export table of " + export.count() + " entries");
            for (long n = 1; n <= Math.min(export.count(), TABLE_ENTRIES_PER_INPUT); n++) {
                export.inodeRef(n);
            }
        }
    }

    private static void xattrTable(SquashfsImage image, Budget budget) throws IOException {
        try (XattrTable xattrs = XattrTable.read(image)) {
            check(xattrs.count() == image.xattrIdCount(), "xattr table of " + xattrs.count() + " ids, header says "
                    + image.xattrIdCount());
            for (long i = 0; i < Math.min(xattrs.count(), TABLE_ENTRIES_PER_INPUT); i++) {
                xattrs.get(i);
            }
        }
    }

    private static void tree(SquashfsImage image, Budget budget) throws IOException {
        try (SquashfsTree tree = SquashfsTree.open(image); FileReader files = FileReader.open(image)) {
            IdTable ids = tree.ids();
            tree.walk(node -> {
                Inode inode = node.inode();
                ids.id(inode.header().uidIndex());
                ids.id(inode.header().gidIndex());
                tree.xattrs(inode);
                if (inode instanceof Inode.File f) {
                    FileLayout.of(image, f, node.path());
                    readFile(files, f, node.path(), budget);
                } else if (inode instanceof Inode.Symlink l) {
                    l.targetString();
                }
                lookUp(tree, node, budget);
            });
        }
    }

    /** Streams the file until its end or the input's budget; at its end, reads its last byte again. */
    private static void readFile(FileReader files, Inode.File file, String path, Budget budget) throws IOException {
        if (budget.fileBytes <= 0) {
            return;
        }
        long pos = 0;
        try (InputStream in = files.open(file, path)) {
            int n;
            while (budget.fileBytes > 0
                    && (n = in.read(budget.buffer, 0, (int) Math.min(budget.buffer.length, budget.fileBytes))) > 0) {
                pos += n;
                budget.fileBytes -= n;
            }
        }
        long size = file.size();
        if (size > 0 && pos == size) {
            check(files.read(file, path, size - 1, budget.buffer, 0, 1) == 1, path + ": last byte unreadable");
            check(files.read(file, path, size, budget.buffer, 0, 1) == -1, path + ": no end of file at " + size);
        }
    }

    /** Looking a walked path up again by name must find the same inode (for names that are UTF-8). */
    private static void lookUp(SquashfsTree tree, SquashfsTree.Node node, Budget budget) throws IOException {
        if (budget.lookups <= 0 || !utf8(node.path())) {
            return;
        }
        budget.lookups--;
        Optional<SquashfsTree.Node> found = tree.lookup(node.path());
        check(found.isPresent() && found.get().inodeRef() == node.inodeRef(), "lookup(\"" + node.path()
                + "\") found " + found + ", the walk visited inode ref 0x" + Long.toHexString(node.inodeRef()));
    }

    /** Whether the path came from names that are valid UTF-8; lookup cannot name the others. */
    private static boolean utf8(String path) {
        if (path.indexOf('\uFFFD') >= 0) {
            return false;
        }
        try {
            StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(path));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The chunk map's promise: chunks in order, adjacent, from byte 0 to the end of the image. */
    private static void chunkMap(SquashfsImage image, Budget budget) throws IOException {
        ChunkMap map = ChunkMap.build(image);
        List<Chunk> chunks = map.chunks();
        long at = 0;
        for (Chunk c : chunks) {
            check(c.offset() == at && c.length() > 0, c.describe() + " does not follow byte " + at);
            check(c.decodedSize() >= 0, c.describe() + " decodes to " + c.decodedSize() + " bytes");
            for (ChunkUse u : c.uses()) {
                check(u.blockOffset() >= 0 && u.length() >= 0 && u.blockOffset() + (long) u.length() <= c.decodedSize(),
                        c.describe() + " of " + c.decodedSize() + " decoded bytes has a use " + u);
            }
            check(map.at(c.offset()) == c && map.at(c.end() - 1) == c, "at() does not find " + c.describe());
            at = c.end();
        }
        check(map.length() == at && at == image.source().length(), "chunks cover " + at + " bytes, map.length() is "
                + map.length() + ", the image " + image.source().length());
        long total = 0;
        for (Map.Entry<ChunkKind, long[]> e : map.totals().entrySet()) {
            total += e.getValue()[1];
        }
        check(total == at, "totals() count " + total + " bytes of " + at);
    }

    /** A broken promise of the reader about its own results: a finding, not a rejection of the input. */
    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
