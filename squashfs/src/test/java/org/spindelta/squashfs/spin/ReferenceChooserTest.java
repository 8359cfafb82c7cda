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

/** Which base file a changed target file is diffed against. */
class ReferenceChooserTest {

    private static ReferenceChooser.BaseFile file(String path, long size) {
        return new ReferenceChooser.BaseFile(path, size, List.of());
    }

    private static Map<String, ReferenceChooser.BaseFile> base(ReferenceChooser.BaseFile... files) {
        Map<String, ReferenceChooser.BaseFile> m = new LinkedHashMap<>();
        for (ReferenceChooser.BaseFile f : files) {
            m.put(f.path(), f);
        }
        return m;
    }

    @Test
    void eachRuleInItsOrder() {
        var same = file("usr/lib/libfoo.so.1.2", 5000);
        var bump = file("usr/lib/libbar.so.1.2", 7000);
        var farBump = file("usr/lib/libbar.so.9.9.9", 100);
        var elsewhere = file("usr/share/doc/pkg/README", 300);
        var png = file("usr/share/icons/a.png", 9000);
        var bigPng = file("usr/share/icons/b.png", 20000);
        var c = new ReferenceChooser(base(same, bump, farBump, elsewhere, png, bigPng));

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

    @Test
    void tiesGoToTheFileMetFirst() {
        var first = file("d/x.1", 100);
        var second = file("d/x.2", 100);
        assertSame(first, new ReferenceChooser(base(first, second)).choose("d/x.3", 100));
        assertSame(second, new ReferenceChooser(base(second, first)).choose("d/x.3", 100));
    }

    @Test
    void anEmptyBaseHasNoReferences() {
        assertNull(new ReferenceChooser(Map.of()).choose("a/b", 10_000));
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
        Map<String, ReferenceChooser.BaseFile> base = base(files.toArray(new ReferenceChooser.BaseFile[0]));
        ReferenceChooser c = new ReferenceChooser(base);
        Scan scan = new Scan(base);
        Random r = new Random(7);
        int found = 0;
        for (int i = 0; i < 4_000; i++) {
            ReferenceChooser.BaseFile f = files.get(r.nextInt(files.size()));
            long size = Math.max(0, f.size() + r.nextInt(2001) - 1000);
            String path = switch (r.nextInt(4)) {
                case 0 -> f.path().replaceFirst("[0-9]+", String.valueOf(r.nextInt(100)));
                case 1 -> "moved/" + ReferenceChooser.name(f.path());
                case 2 -> "new/file-" + i + ReferenceChooser.extension(f.path());
                default -> f.path() + ".new";
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

        Scan(Map<String, ReferenceChooser.BaseFile> base) {
            this.base = base;
            this.files = new ArrayList<>(base.values());
            for (ReferenceChooser.BaseFile f : files) {
                versionless.add(ReferenceChooser.versionless(f.path()));
                names.add(ReferenceChooser.name(f.path()));
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
            for (ReferenceChooser.BaseFile f : files) {
                if (f.size() >= ReferenceChooser.MIN_SIZE_MATCH && ReferenceChooser.extension(f.path()).equals(ext)) {
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
