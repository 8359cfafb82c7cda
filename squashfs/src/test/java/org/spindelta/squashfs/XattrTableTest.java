package org.spindelta.squashfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;
import org.spindelta.core.testing.PeerTools;
import org.spindelta.squashfs.format.Xattr;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;
import org.spindelta.squashfs.read.XattrTable;

/**
 * Xattrs of real mksquashfs images against getfattr: on the tree the image was made from, and on
 * unsquashfs's extraction of it. The tree has shared values (mksquashfs stores them once, out of
 * line), all three namespaces (trusted and security need root), xattrs on directories, symlinks and
 * hard links, many attributes on one file and enough distinct sets that the key/value table spans
 * several metadata blocks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class XattrTableTest {
    private Path dir;
    private Path src;
    private boolean root;

    @BeforeAll
    void build(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        src = Files.createDirectories(dir.resolve("src"));
        root = "0".equals(run(List.of("id", "-u")).strip());
        String shared = "v".repeat(200);
        for (int i = 1; i <= 3; i++) {
            Path f = src.resolve("f" + i);
            Files.writeString(f, "f" + i + "\n");
            setfattr(f, "user.shared", shared);
            setfattr(f, "user.idx", Integer.toString(i));
        }
        Files.createLink(src.resolve("f1-hardlink"), src.resolve("f1"));
        Path d = Files.createDirectories(src.resolve("dir"));
        setfattr(d, "user.dir", "a directory");
        Files.writeString(d.resolve("inner"), "no xattrs\n");
        Path many = d.resolve("many");
        Files.writeString(many, "many\n");
        for (int i = 0; i < 40; i++) {
            setfattr(many, "user.attr-" + i, "value " + i);
        }
        // distinct sets of ~3 KB values: the kv table spans several 8 KiB metadata blocks
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 8; i++) {
            Path f = d.resolve("big-" + i);
            Files.writeString(f, "big\n");
            byte[] v = new byte[3000];
            r.nextBytes(v);
            setfattr(f, "user.big", "0x" + HexFormat.of().formatHex(v));
        }
        Files.writeString(src.resolve("empty-value"), "e\n");
        setfattr(src.resolve("empty-value"), "user.empty", "");
        if (root) {
            setfattr(src.resolve("f2"), "trusted.t", "hello");
            setfattr(src.resolve("f3"), "security.s", "sec");
            Path link = src.resolve("link");
            Files.createSymbolicLink(link, Path.of("f1"));
            run(List.of(PeerTools.require("setfattr", "attr").toString(), "-h", "-n", "trusted.lnk", "-v", "L",
                    link.toString()));
        }
    }

    Stream<Arguments> images() {
        return Stream.of(Arguments.of("gzip", List.of()), Arguments.of("xz", List.of()),
                Arguments.of("zstd", List.of()), Arguments.of("lz4", List.of()), Arguments.of("lzo", List.of()),
                Arguments.of("gzip", List.of("-noX", "-noI")), Arguments.of("xz", List.of("-no-exports")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("images")
    void xattrsEqualGetfattrOnTheSourceTree(String comp, List<String> options) throws Exception {
        Path img = mksquashfs(comp, options);
        Map<String, Map<String, String>> ours = xattrsOf(img);
        assertTrue(ours.values().stream().mapToInt(Map::size).sum() >= 60, () -> "too few xattrs read: " + ours);
        for (Map.Entry<String, Map<String, String>> e : ours.entrySet()) {
            assertEquals(getfattr(src.resolve(e.getKey())), e.getValue(), e.getKey());
        }
        // and every source file with xattrs is in the image with them
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = src.relativize(p).toString();
                assertEquals(getfattr(p), ours.get(rel), rel);
            }
        }
    }

    @Test
    void xattrsEqualGetfattrOnUnsquashfsExtraction() throws Exception {
        Path img = mksquashfs("gzip", List.of());
        Path out = dir.resolve("unsquashfs-out");
        Peers.run(dir, List.of(Peers.require("unsquashfs").toString(), "-no-progress", "-d", out.toString(),
                img.toString()));
        Map<String, Map<String, String>> ours = xattrsOf(img);
        for (Map.Entry<String, Map<String, String>> e : ours.entrySet()) {
            assertEquals(getfattr(out.resolve(e.getKey())), e.getValue(), e.getKey());
        }
    }

    @Test
    void noXattrsImageHasNone() throws Exception {
        Path img = mksquashfs("gzip", List.of("-no-xattrs"));
        try (SquashfsImage image = SquashfsImage.open(img)) {
            assertEquals(0, image.xattrIdCount());
        }
        xattrsOf(img).forEach((path, x) -> assertEquals(Map.of(), x, path));
    }

    /** Hostile xattr tables: one field patched in an image with uncompressed metadata. */
    Stream<Arguments> patches() {
        return Stream.of(
                patch("key type 7", (b, t) -> b[t.firstKey] = 7, "is none of user (0), trusted (1), security (2)"),
                patch("name_size 0", (b, t) -> LittleEndian.putShort(b, t.firstKey + 2, 0),
                        "name_size 0 outside [1, 250]"),
                patch("value size 70000", (b, t) -> {
                    b[t.firstKey + 1] = 0; // an inline value
                    LittleEndian.putInt(b, t.firstKey + 4 + t.firstNameSize, 70000);
                }, "value size 70000 outside [0, 65536]"),
                patch("out-of-line reference of 4 bytes", (b, t) -> {
                    b[t.firstKey + 1] = 1;
                    LittleEndian.putInt(b, t.firstKey + 4 + t.firstNameSize, 4);
                }, "out-of-line value reference of 4 bytes, not 8"),
                patch("kv_start before the id table", (b, t) -> LittleEndian.putLong(b, t.header, 5),
                        "xattr kv_start 5 at byte"),
                patch("xattr id count 2^32-1", (b, t) -> LittleEndian.putInt(b, t.header + 8, -1),
                        "xattr id count 4294967295"),
                patch("id entry count 0", (b, t) -> LittleEndian.putInt(b, t.firstId + 8, 0), "count 0 outside"),
                patch("id entry reference past the kv table", (b, t) -> LittleEndian.putLong(b, t.firstId,
                        0x7FFFL << 16), "xattr key/value table reference"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patches")
    void hostileTableIsRejected(String name, Patch edit, String message) throws Exception {
        Path img = mksquashfs("gzip", List.of("-noX", "-noI"));
        byte[] b = Files.readAllBytes(img);
        Layout t = Layout.of(b);
        edit.apply(b, t);
        Path bad = dir.resolve("bad.sqfs");
        Files.write(bad, b);
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> xattrsOf(bad));
        assertTrue(e.getMessage().contains(message), e::getMessage);
        assertEquals(1, e.getMessage().lines().count(), e::getMessage);
    }

    @FunctionalInterface
    interface Patch {
        void apply(byte[] image, Layout layout);
    }

    private static Arguments patch(String name, Patch p, String message) {
        return Arguments.of(name, p, message);
    }

    /** Positions in an image whose xattr metadata is stored uncompressed (-noX). */
    record Layout(int header, int firstId, int firstKey, int firstNameSize) {
        static Layout of(byte[] b) {
            int header = (int) LittleEndian.getLong(b, 56);
            long kvStart = LittleEndian.getLong(b, header);
            int idBlock = (int) LittleEndian.getLong(b, header + 16);
            int firstId = idBlock + 2;
            // id entry 0's reference: block offset from kv_start, offset in the block (+2 for its header)
            long ref = LittleEndian.getLong(b, firstId);
            int firstKey = (int) (kvStart + (ref >>> 16) + 2 + (ref & 0xFFFF));
            return new Layout(header, firstId, firstKey, LittleEndian.getUnsignedShort(b, firstKey + 2));
        }
    }

    private Path mksquashfs(String comp, List<String> options) throws Exception {
        Path img = dir.resolve(comp + String.join("", options) + ".sqfs");
        if (!Files.exists(img)) {
            List<String> cmd = new ArrayList<>(List.of(Peers.require("mksquashfs").toString(), src.toString(),
                    img.toString(), "-noappend", "-no-progress", "-comp", comp));
            cmd.addAll(options);
            Peers.run(dir, cmd);
        }
        return img;
    }

    /** Path (relative, "" for the root) to name to hex value, as {@link #getfattr} gives them. */
    private static Map<String, Map<String, String>> xattrsOf(Path img) throws IOException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        try (SquashfsImage image = SquashfsImage.open(img); SquashfsTree tree = SquashfsTree.open(image)) {
            tree.walk(n -> {
                Map<String, String> m = new TreeMap<>();
                for (Xattr x : tree.xattrs(n.inode())) {
                    m.put(x.nameString(), HexFormat.of().formatHex(x.value()));
                }
                out.put(n.path(), m);
            });
        }
        return out;
    }

    /** getfattr's view of a file (not following symlinks): name to hex value. */
    private Map<String, String> getfattr(Path p) throws Exception {
        String text = run(List.of(PeerTools.require("getfattr", "attr").toString(), "-h", "-d", "-m", "-", "-e", "hex",
                "--absolute-names", p.toString()));
        Map<String, String> m = new TreeMap<>();
        for (String line : text.lines().toList()) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? line : line.substring(0, eq);
            String value = eq < 0 ? "" : line.substring(eq + 1);
            m.put(name, value.startsWith("0x") ? value.substring(2) : value.replace("\"", ""));
        }
        return m;
    }

    private void setfattr(Path p, String name, String value) throws Exception {
        run(List.of(PeerTools.require("setfattr", "attr").toString(), "-n", name, "-v", value, p.toString()));
    }

    private String run(List<String> cmd) throws Exception {
        return Peers.run(dir, cmd);
    }

}
