package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.spindelta.core.Progress;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.extract.ExtractOptions;
import org.spindelta.squashfs.extract.ExtractSummary;
import org.spindelta.squashfs.extract.TreeExtractor;

/**
 * Extraction against the real peer: mksquashfs packs a tree exercising every inode kind and attribute
 * (ListingTrees plus sparse files with holes in the middle and at the end, dangling and absolute
 * symlinks, block and char devices, a socket, hard links to a symlink and a fifo, setuid/setgid/sticky
 * and mode-0 files, a read-only directory, odd owners, xattrs of the user, trusted and security
 * namespaces, non-UTF-8 and newline names), {@code unsquashfs -d} and ours extract it, and the two
 * trees must agree on every path's type, mode, owner, size, mtime, link target, device number, xattrs and
 * contents, on hard-link groups, and ours may not allocate more blocks for the sparse files.
 *
 * <p>Runs as root (as CI does): unsquashfs as an ordinary user leaves out owners and devices by design.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TreeExtractorInteropTest {
    private Path dir;
    private Path tree;

    @BeforeAll
    void build(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Peers.require("mksquashfs");
        Peers.require("unsquashfs");
        tree = ListingTrees.build(dir.resolve("tree")).root();
        if (isRoot()) {
            extras(Files.createDirectories(tree.resolve("extra")));
        }
    }

    private static boolean isRoot() throws IOException {
        Path probe = Files.createTempFile("spindelta-uid", "");
        try {
            return (Integer) Files.getAttribute(probe, "unix:uid") == 0;
        } finally {
            Files.delete(probe);
        }
    }

    private void sh(String script) throws Exception {
        Peers.run(dir, List.of("bash", "-ec", script));
    }

    /**
     * What ListingTrees does not have; needs root for devices, owners and trusted/security xattrs. Names
     * that are not ASCII are made by the shell from escapes, whatever the JVM's file name encoding.
     */
    private void extras(Path x) throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i % 7 < 4 ? 'x' : r.nextInt(256));
        }
        try (RandomAccessFile f = new RandomAccessFile(x.resolve("sparse-middle-end").toFile(), "rw")) {
            f.write(data, 0, 100_000);
            f.seek(2_600_000);
            f.write(data, 100_000, 200_000);
            f.setLength(6 * (1 << 20));
        }
        Files.createSymbolicLink(x.resolve("dangling"), Path.of("does/not/exist"));
        Files.createSymbolicLink(x.resolve("absolute"), Path.of("/etc/hostname"));
        Files.createLink(x.resolve("hard-to-symlink"), x.resolve("dangling"));
        Files.writeString(x.resolve("mode-0"), "nobody may read\n");
        Files.writeString(x.resolve("setgid"), "g\n");
        Files.writeString(x.resolve("setuid-setgid"), "ug\n");
        Path ro = Files.createDirectories(x.resolve("read-only-dir"));
        Files.writeString(ro.resolve("inside"), "in a read-only directory\n");
        Path owned = Files.createDirectories(x.resolve("owned-dir"));
        Files.writeString(owned.resolve("f"), "f\n");
        Files.writeString(x.resolve("with space"), "s\n");
        Files.writeString(x.resolve("xattrs"), "x\n");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(x.resolve("socket")));
        }
        ExtractedTree.setXattr(x.resolve("xattrs"), "user.mime_type", "text/plain");
        ExtractedTree.setXattr(x.resolve("xattrs"), "trusted.overlay", "t");
        ExtractedTree.setXattr(x.resolve("xattrs"), "security.spindelta", "s");
        ExtractedTree.setXattr(x.resolve("dangling"), "trusted.on-a-symlink", "l");
        ExtractedTree.setXattr(owned, "user.on-a-directory", "d");
        String q = "'" + x + "'";
        sh("cd " + q + " && printf 'latin1' > $'latin1-\\xe9' && printf 'utf8' > $'caf\\xc3\\xa9-\\xc3\\xbc'"
                + " && printf 'newline' > $'new\\nline' && mkfifo fifo && ln fifo hard-to-fifo"
                + " && mknod blockdev b 7 0 && mknod chardev-big c 300 70000"
                + " && chmod 0000 mode-0 && chmod 2755 setgid && chmod 6755 setuid-setgid && chmod 0555 read-only-dir"
                + " && chown -R 4242:4343 owned-dir && chmod 0750 owned-dir && chown -h 777:888 dangling"
                + " && touch -h -d @631152000 dangling && touch -d @2000000000 with\\ space && touch -d @0 fifo");
    }

    record Variant(String name, List<String> options) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Variant> variants() {
        List<Variant> v = new ArrayList<>();
        for (String comp : List.of("gzip", "xz", "zstd", "lz4", "lzo")) {
            for (String block : List.of("4K", "1M")) {
                v.add(new Variant(comp + " " + block, List.of("-comp", comp, "-b", block)));
            }
        }
        v.add(new Variant("gzip 128K no fragments", List.of("-comp", "gzip", "-no-fragments")));
        v.add(new Variant("zstd 1M no fragments", List.of("-comp", "zstd", "-b", "1M", "-no-fragments")));
        return v.stream();
    }

    private Path image(Path source, String name, List<String> options) throws Exception {
        Path img = dir.resolve(name.replaceAll("[^A-Za-z0-9]+", "_") + ".sqfs");
        if (!Files.exists(img)) {
            List<String> cmd = new ArrayList<>(List.of(Peers.require("mksquashfs").toString(), source.toString(),
                    img.toString(), "-noappend", "-no-progress", "-processors", "2"));
            cmd.addAll(options);
            Peers.run(dir, cmd);
        }
        return img;
    }

    private Path unsquashfs(Path img, String name, String... paths) throws Exception {
        Path out = dir.resolve(name + "-unsquashfs");
        List<String> cmd = new ArrayList<>(List.of(Peers.require("unsquashfs").toString(), "-no-progress", "-d",
                out.toString(), img.toString()));
        cmd.addAll(List.of(paths));
        Peers.run(dir, cmd);
        return out;
    }

    private void delete(Path root) throws Exception {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Peers.run(dir, List.of("chmod", "-R", "u+rwx", root.toString()));
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** Every path agrees; lists up to 20 differences. */
    static void assertSameTree(Path expected, Path actual) throws IOException {
        ExtractedTree.Snapshot e = ExtractedTree.of(expected);
        ExtractedTree.Snapshot a = ExtractedTree.of(actual);
        List<String> diffs = new ArrayList<>();
        for (var entry : e.entries().entrySet()) {
            ExtractedTree.Entry mine = a.entries().get(entry.getKey());
            if (!entry.getValue().equals(mine)) {
                diffs.add("\"" + entry.getKey() + "\": unsquashfs " + entry.getValue() + "\n    ours       " + mine);
            }
        }
        for (String p : a.entries().keySet()) {
            if (!e.entries().containsKey(p)) {
                diffs.add("\"" + p + "\": only ours has it");
            }
        }
        assertTrue(diffs.isEmpty(), () -> diffs.size() + " paths differ:\n" + String.join("\n",
                diffs.subList(0, Math.min(20, diffs.size()))));
        assertEquals(e.linkGroups(), a.linkGroups(), "hard-link groups");
        assertTrue(e.entries().size() > 1, "something was extracted");
    }

    private void assertNoMoreBlocks(Path expected, Path actual, String... sparseFiles) throws Exception {
        for (String f : sparseFiles) {
            long theirs = ExtractedTree.allocatedBlocks(dir, expected.resolve(f));
            long ours = ExtractedTree.allocatedBlocks(dir, actual.resolve(f));
            assertTrue(ours <= theirs, f + ": ours allocates " + ours + " blocks, unsquashfs " + theirs);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void extractsWhatUnsquashfsExtracts(Variant v) throws Exception {
        assumeTrue(isRoot(), "unsquashfs restores owners, devices and trusted xattrs only as root");
        Path img = image(tree, v.name(), v.options());
        String name = v.name().replace(' ', '-');
        Path theirs = unsquashfs(img, name);
        Path ours = dir.resolve(name + "-ours");
        try {
            ExtractSummary s = TreeExtractor.extract(img, ours, ExtractOptions.defaults(), Progress.NONE);
            assertSameTree(theirs, ours);
            assertNoMoreBlocks(theirs, ours, "gen/sparse", "extra/sparse-middle-end");
            assertTrue(ExtractedTree.allocatedBlocks(dir, ours.resolve("extra/sparse-middle-end")) * 512 < 6 << 20,
                    "holes stay holes");
            assertEquals(List.of(), s.notes(), "as root nothing is left out");
            assertEquals(1, s.sockets());
            assertFalse(Files.list(dir).anyMatch(p -> p.getFileName().toString().contains(".spindelta-")),
                    "no temporary directory is left");
        } finally {
            delete(theirs);
            delete(ours);
        }
    }

    @Test
    void extractsARealSystemTreeAsUnsquashfsDoes() throws Exception {
        assumeTrue(isRoot(), "unsquashfs restores owners only as root");
        Path img = image(Path.of("/etc"), "etc", List.of("-comp", "xz"));
        Path theirs = unsquashfs(img, "etc");
        Path ours = dir.resolve("etc-ours");
        try {
            TreeExtractor.extract(img, ours, ExtractOptions.defaults(), Progress.NONE);
            assertSameTree(theirs, ours);
        } finally {
            delete(theirs);
            delete(ours);
        }
    }

    @Test
    void oneAndFourThreadsExtractTheSameTree() throws Exception {
        Path img = image(tree, "zstd 4K", List.of("-comp", "zstd", "-b", "4K"));
        Path one = dir.resolve("threads-1");
        Path four = dir.resolve("threads-4");
        try {
            TreeExtractor.extract(img, one, ExtractOptions.defaults().withThreads(1), Progress.NONE);
            TreeExtractor.extract(img, four, ExtractOptions.defaults().withThreads(4), Progress.NONE);
            assertSameTree(one, four);
        } finally {
            delete(one);
            delete(four);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gen/many gen/nest/level-00-with-a-longer-name/level-01-with-a-longer-name gen/size-4096",
        "gen", "real/json/", "gen/hard-b"})
    void selectedPathsMatchUnsquashfs(String paths) throws Exception {
        assumeTrue(isRoot(), "unsquashfs restores owners only as root");
        Path img = image(tree, "gzip 4K", List.of("-comp", "gzip", "-b", "4K"));
        String[] selected = paths.split(" ");
        String name = "paths-" + paths.replaceAll("[^A-Za-z0-9]+", "_");
        Path theirs = unsquashfs(img, name, selected);
        Path ours = dir.resolve(name + "-ours");
        try {
            TreeExtractor.extract(img, ours, ExtractOptions.defaults().withPaths(List.of(selected)), Progress.NONE);
            assertSameTree(theirs, ours);
        } finally {
            delete(theirs);
            delete(ours);
        }
    }

    /**
     * As an ordinary user unsquashfs 4.5.1 creates no device nodes, keeps owners as they fall, drops
     * setuid/setgid and writes only user xattrs; extraction told to behave so does the same.
     */
    @Test
    void asAnOrdinaryUserLeavesOutWhatNeedsRoot() throws Exception {
        assumeTrue(isRoot(), "the tree has devices and trusted xattrs only when built as root");
        Path img = image(tree, "gzip 4K", List.of("-comp", "gzip", "-b", "4K"));
        Path ours = dir.resolve("as-user");
        try {
            ExtractSummary s = TreeExtractor.extract(img, ours, ExtractOptions.defaults().withPrivileged(false),
                    Progress.NONE);
            Map<String, ExtractedTree.Entry> e = ExtractedTree.of(ours).entries();
            assertFalse(e.containsKey("gen/chardev"), "no device nodes");
            assertFalse(e.containsKey("extra/blockdev"), "no device nodes");
            assertEquals("fifo", e.get("extra/fifo").type());
            assertEquals("socket", e.get("extra/socket").type());
            assertEquals("0754", e.get("gen/setuid").mode(), "setuid dropped");
            assertEquals("0755", e.get("extra/setuid-setgid").mode(), "setuid and setgid dropped");
            assertEquals("1777", e.get("gen/sticky").mode(), "sticky kept");
            assertEquals(0, e.get("gen/owned-by-12345").uid(), "owner not restored");
            assertEquals(Map.of("user.mime_type", "746578742f706c61696e"), e.get("extra/xattrs").xattrs());
            assertEquals(Map.of(), e.get("extra/dangling").xattrs());
            assertEquals(0, s.devices());
            assertTrue(s.notes().stream().anyMatch(n -> n.contains("skipped 3 device nodes")), s.notes()::toString);
            assertTrue(s.notes().stream().anyMatch(n -> n.contains("xattrs outside the user. namespace")),
                    s.notes()::toString);
            assertTrue(s.notes().stream().anyMatch(n -> n.contains("setuid/setgid")), s.notes()::toString);
        } finally {
            delete(ours);
        }
    }

    @Test
    void aMissingPathIsAnErrorAndWritesNothing() throws Exception {
        Path img = image(tree, "gzip 4K", List.of("-comp", "gzip", "-b", "4K"));
        Path out = dir.resolve("missing-path");
        SpindeltaException e = assertThrows(SpindeltaException.class, () -> TreeExtractor.extract(img, out,
                ExtractOptions.defaults().withPaths(List.of("gen", "gen/nope")), Progress.NONE));
        assertEquals("no such file in the image: gen/nope", e.getMessage());
        assertFalse(Files.exists(out, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aNonEmptyDirectoryIsRefusedUntouched() throws Exception {
        Path img = image(tree, "gzip 4K", List.of("-comp", "gzip", "-b", "4K"));
        Path out = Files.createDirectories(dir.resolve("not-empty"));
        Files.writeString(out.resolve("keep"), "mine\n");
        SpindeltaException e = assertThrows(SpindeltaException.class,
                () -> TreeExtractor.extract(img, out, ExtractOptions.defaults(), Progress.NONE));
        assertTrue(e.getMessage().contains("is not empty"), e::getMessage);
        assertEquals(List.of(out.resolve("keep")), Files.list(out).toList());
        assertEquals("mine\n", Files.readString(out.resolve("keep")));
        delete(out);
    }

    @Test
    void anEmptyDirectoryIsReplaced() throws Exception {
        Path img = image(tree, "gzip 4K", List.of("-comp", "gzip", "-b", "4K"));
        Path out = Files.createDirectories(dir.resolve("empty-out"));
        try {
            TreeExtractor.extract(img, out, ExtractOptions.defaults().withPaths(List.of("gen/size-1")), Progress.NONE);
            assertEquals(1, Files.size(out.resolve("gen/size-1")));
        } finally {
            delete(out);
        }
    }

    @Test
    void aMissingParentIsRefused() throws Exception {
        Path img = image(tree, "gzip 4K", List.of("-comp", "gzip", "-b", "4K"));
        Path out = dir.resolve("no-such-parent/out");
        SpindeltaException e = assertThrows(SpindeltaException.class,
                () -> TreeExtractor.extract(img, out, ExtractOptions.defaults(), Progress.NONE));
        assertTrue(e.getMessage().contains("parent directory") && e.getMessage().contains("does not exist"),
                e::getMessage);
        assertFalse(Files.exists(dir.resolve("no-such-parent")));
    }

    @Test
    void aFileInTheWayIsRefused() throws Exception {
        Path img = image(tree, "gzip 4K", List.of("-comp", "gzip", "-b", "4K"));
        Path out = dir.resolve("a-file");
        Files.writeString(out, "file\n");
        SpindeltaException e = assertThrows(SpindeltaException.class,
                () -> TreeExtractor.extract(img, out, ExtractOptions.defaults(), Progress.NONE));
        assertTrue(e.getMessage().contains("not a directory"), e::getMessage);
        assertEquals("file\n", Files.readString(out));
    }
}
