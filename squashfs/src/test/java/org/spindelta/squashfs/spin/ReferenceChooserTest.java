package org.spindelta.squashfs.spin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.spindelta.squashfs.chunk.PathTable;

/** Which base file a changed target file is diffed against. */
class ReferenceChooserTest {
    /** The paths of each test's base files, numbered in the order the test makes them. */
    private final PathTable paths = new PathTable();

    private ReferenceChooser.BaseFile file(String path, long size) {
        return file(paths, path, size);
    }

    private static ReferenceChooser.BaseFile file(PathTable table, String path, long size) {
        return new ReferenceChooser.BaseFile(table.intern(path), size, List.of());
    }

    private String path(ReferenceChooser.BaseFile f) {
        return paths.path(f.pathId());
    }

    /** A chooser among {@code files}, made with {@code table}. */
    private static ReferenceChooser chooser(PathTable table, ReferenceChooser.BaseFile... files) {
        ReferenceChooser.BaseFile[] byId = new ReferenceChooser.BaseFile[table.size()];
        for (ReferenceChooser.BaseFile f : files) {
            byId[f.pathId()] = f;
        }
        return new ReferenceChooser(table, byId);
    }

    private ReferenceChooser chooser(ReferenceChooser.BaseFile... files) {
        return chooser(paths, files);
    }

    @Test
    void eachRuleInItsOrder() {
        var same = file("usr/lib/libfoo.so.1.2", 5000);
        var bump = file("usr/lib/libbar.so.1.2", 7000);
        var farBump = file("usr/lib/libbar.so.9.9.9", 100);
        var elsewhere = file("usr/share/doc/pkg/README", 300);
        var png = file("usr/share/icons/a.png", 9000);
        var bigPng = file("usr/share/icons/b.png", 20000);
        var c = chooser(same, bump, farBump, elsewhere, png, bigPng);

        assertSame(same, c.choose("usr/lib/libfoo.so.1.2", 1), "the same path, whatever its size");
        assertSame(bump, c.choose("usr/lib/libbar.so.1.3", 6900), "a version bump, the closest size");
        assertSame(farBump, c.choose("usr/lib/libbar.so.2.0.1", 50), "the only one with that digit pattern");
        assertNull(c.choose("usr/lib64/libbar.so.1.3", 6900), "another directory is another versionless path");
        assertSame(elsewhere, c.choose("usr/share/doc/other/README", 10), "the same name elsewhere");
        assertSame(png, c.choose("opt/new.png", 10000), "same extension, closest size within 25%");
        assertNull(c.choose("opt/new.png", 13000), "closest is 9000: 31% off");
        assertNull(c.choose("opt/new.png", 4000), "below 4096 bytes size matching is not tried");
        assertSame(bigPng, c.choose("opt/new.png", 16000), "20000 is closer than 9000");
        assertNull(c.choose("opt/new.jpg", 9000), "no base file has the extension");
    }

    /**
     * The diff's own way in: target paths numbered in the same table after the base's (so past the end of
     * the chooser's array, or on a base directory's number) are looked up by their path, base paths by number.
     */
    @Test
    void targetPathsNumberedInTheSameTable() {
        var same = file("usr/lib/libfoo.so.1.2", 5000);
        var c = chooser(same);
        assertSame(same, c.choose(paths.intern("usr/lib/libfoo.so.1.2"), 1));
        assertSame(same, c.choose(paths.intern("usr/lib/libfoo.so.1.3"), 5000), "a number the chooser has no slot for");
        assertNull(c.choose(paths.intern("usr/lib"), 5000), "a base directory's number is no base file");
        assertNull(c.choose(paths.intern("usr/lib/other"), 5000));
    }

    @Test
    void tiesGoToTheFileMetFirst() {
        PathTable one = new PathTable();
        var first = file(one, "d/x.1", 100);
        var second = file(one, "d/x.2", 100);
        assertSame(first, chooser(one, first, second).choose("d/x.3", 100));
        PathTable other = new PathTable();
        var secondFirst = file(other, "d/x.2", 100);
        var firstSecond = file(other, "d/x.1", 100);
        assertSame(secondFirst, chooser(other, firstSecond, secondFirst).choose("d/x.3", 100));
    }

    @Test
    void anEmptyBaseHasNoReferences() {
        assertNull(chooser().choose("a/b", 10_000));
    }

    /**
     * On this machine's /usr (tens of thousands of real paths), with targets made by bumping versions,
     * moving files and renaming them, the compact index agrees with a plain scan of the rules.
     */
    @Test
    void agreesWithAScanOnRealPaths() throws IOException {
        List<ReferenceChooser.BaseFile> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Path.of("/usr"))) {
            s.filter(Files::isRegularFile).limit(30_000).forEach(p -> {
                try {
                    files.add(file(p.toString().substring(1), Files.size(p)));
                } catch (IOException e) {
                    // vanished or unreadable: skip
                }
            });
        }
        assertTrue(files.size() > 5_000, "enough real paths: " + files.size());
        Map<String, ReferenceChooser.BaseFile> base = new LinkedHashMap<>(); // in the order met, as numbered
        files.forEach(f -> base.put(path(f), f));
        ReferenceChooser c = chooser(files.toArray(new ReferenceChooser.BaseFile[0]));
        Scan scan = new Scan(base);
        Random r = new Random(7);
        int found = 0;
        for (int i = 0; i < 4_000; i++) {
            ReferenceChooser.BaseFile f = files.get(r.nextInt(files.size()));
            long size = Math.max(0, f.size() + r.nextInt(2001) - 1000);
            String fp = path(f);
            String path = switch (r.nextInt(4)) {
                case 0 -> fp.replaceFirst("[0-9]+", String.valueOf(r.nextInt(100)));
                case 1 -> "moved/" + ReferenceChooser.name(fp);
                case 2 -> "new/file-" + i + ReferenceChooser.extension(fp);
                default -> fp + ".new";
            };
            ReferenceChooser.BaseFile expected = scan.choose(path, size);
            assertSame(expected, c.choose(path, size), path + " (" + size + " bytes)");
            found += expected != null ? 1 : 0;
        }
        assertTrue(found > 1_000, "many lookups find a reference: " + found);
    }

    /** The rules, applied by scanning every base file in order (keys computed once per file). */
    private static final class Scan {
        private final Map<String, ReferenceChooser.BaseFile> base;
        private final List<ReferenceChooser.BaseFile> files;
        private final List<String> versionless = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final List<String> extensions = new ArrayList<>();

        Scan(Map<String, ReferenceChooser.BaseFile> base) {
            this.base = base;
            this.files = new ArrayList<>(base.values());
            for (String p : base.keySet()) {
                versionless.add(ReferenceChooser.versionless(p));
                names.add(ReferenceChooser.name(p));
                extensions.add(ReferenceChooser.extension(p));
            }
        }

        ReferenceChooser.BaseFile choose(String path, long size) {
            if (base.containsKey(path)) {
                return base.get(path);
            }
            ReferenceChooser.BaseFile best = closest(versionless, ReferenceChooser.versionless(path), size);
            if (best == null) {
                best = closest(names, ReferenceChooser.name(path), size);
            }
            if (best != null || size < ReferenceChooser.MIN_SIZE_MATCH) {
                return best;
            }
            // by extension: among the first base file of each size, the closest size, the smaller on a tie
            Map<Long, ReferenceChooser.BaseFile> firstOfSize = new LinkedHashMap<>();
            String ext = ReferenceChooser.extension(path);
            for (int i = 0; i < files.size(); i++) {
                ReferenceChooser.BaseFile f = files.get(i);
                if (f.size() >= ReferenceChooser.MIN_SIZE_MATCH && extensions.get(i).equals(ext)) {
                    firstOfSize.putIfAbsent(f.size(), f);
                }
            }
            for (ReferenceChooser.BaseFile f : firstOfSize.values()) {
                long d = Math.abs(f.size() - size);
                long bd = best == null ? Long.MAX_VALUE : Math.abs(best.size() - size);
                if (d < bd || d == bd && f.size() < best.size()) {
                    best = f;
                }
            }
            if (best != null
                    && Math.abs(best.size() - size) * 100 > size * ReferenceChooser.SIZE_TOLERANCE_PERCENT) {
                return null;
            }
            return best;
        }

        private ReferenceChooser.BaseFile closest(List<String> keys, String key, long size) {
            ReferenceChooser.BaseFile best = null;
            for (int i = 0; i < files.size(); i++) {
                ReferenceChooser.BaseFile f = files.get(i);
                if (keys.get(i).equals(key) && (best == null || Math.abs(f.size() - size) < Math.abs(best.size() - size))) {
                    best = f;
                }
            }
            return best;
        }
    }

    @Test
    void versionlessNameAndExtension() {
        assertEquals("usr/lib/libfoo.so.#.#", ReferenceChooser.versionless("usr/lib/libfoo.so.1.22"));
        assertEquals("libfoo.so.1", ReferenceChooser.name("usr/lib/libfoo.so.1"));
        assertEquals(".gz", ReferenceChooser.extension("usr/share/doc/changelog.Debian.gz"));
        assertEquals("", ReferenceChooser.extension("usr/share/doc/.hidden"));
    }
}
