package org.spindelta.squashfs.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Paths numbered by directory and name. */
class PathTableTest {

    /** Every path of this machine's /usr (tens of thousands, with their directories) comes back as given. */
    @Test
    void realPathsComeBackAsGiven() throws IOException {
        List<String> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Path.of("/usr"))) {
            s.skip(1).limit(200_000).forEach(p -> all.add(p.toString().substring(1)));
        }
        assertTrue(all.size() > 10_000, "enough real paths: " + all.size());
        PathTable t = new PathTable();
        Map<String, Integer> ids = new HashMap<>();
        for (String p : all) {
            ids.put(p, t.intern(p));
        }
        assertEquals(all.size() + 2, t.size(), "one number per distinct path, the root and \"usr\"");
        assertEquals(all.size(), new HashSet<>(ids.values()).size(), "distinct paths, distinct numbers");
        for (String p : all) {
            int id = ids.get(p);
            assertEquals(p, t.path(id));
            assertEquals(id, t.intern(p), "interned again: " + p);
            assertEquals(id, t.find(p));
            int slash = p.lastIndexOf('/');
            assertEquals(slash < 0 ? "" : p.substring(0, slash), t.path(t.parent(id)), p);
        }
    }

    /** Files of many directories in turn, in any order: the last-directory shortcut must not mix them. */
    @Test
    void interleavedDirectoriesAndNamesThatArePrefixes() {
        PathTable t = new PathTable();
        String[] paths = {"a/b", "ab/c", "a/b/c", "a", "ab", "a/bc", "a/b/c/d", "ab/c/d", "b/a", "a/b/a"};
        Map<String, Integer> ids = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (String p : paths) {
                int id = t.intern(p);
                assertEquals(ids.computeIfAbsent(p, k -> id), id, p);
            }
        }
        for (String p : paths) {
            assertEquals(p, t.path(ids.get(p)));
        }
        assertEquals(paths.length, new HashSet<>(ids.values()).size());
        assertEquals(12, t.size(), "the ten paths, the root and the directory \"b\"");
        assertEquals("b", t.path(t.parent(ids.get("b/a"))));
    }

    @Test
    void namesOutsideAscii() {
        PathTable t = new PathTable();
        String p = "usr/share/locale/fr/été/日本語 \uFFFD.mo";
        int id = t.intern(p);
        assertEquals(p, t.path(id));
        assertEquals(id, t.find(p));
        assertNotEquals(id, t.intern("usr/share/locale/fr/ete/日本語 \uFFFD.mo"));
    }

    @Test
    void findAddsNothing() {
        PathTable t = new PathTable();
        int ab = t.intern("a/b");
        assertEquals(3, t.size());
        assertEquals(-1, t.find("a/c"));
        assertEquals(-1, t.find("a/b/c"));
        assertEquals(-1, t.find("a//b"));
        assertEquals(-1, t.find("/a/b"));
        assertEquals(3, t.size());
        assertEquals(ab, t.find("a/b"));
        assertEquals(PathTable.ROOT, t.find(""));
        assertEquals("", t.path(PathTable.ROOT));
        assertEquals(-1, t.parent(PathTable.ROOT));
    }

    @Test
    void malformedPathsAndNumbersAreRefused() {
        PathTable t = new PathTable();
        for (String bad : new String[] {"/a", "a/", "a//b", "/"}) {
            assertThrows(IllegalArgumentException.class, () -> t.intern(bad), bad);
        }
        assertEquals(1, t.size(), "nothing added by a refused path");
        assertThrows(IndexOutOfBoundsException.class, () -> t.path(1));
        assertThrows(IndexOutOfBoundsException.class, () -> t.path(-1));
    }

    /** Enough paths to grow every table many times over, each still found under its own number. */
    @Test
    void manyPathsThroughSeveralGrowths() {
        PathTable t = new PathTable();
        Set<Integer> seen = new HashSet<>();
        for (int d = 0; d < 300; d++) {
            for (int f = 0; f < 300; f++) {
                assertTrue(seen.add(t.intern("dir" + d + "/sub" + (f % 7) + "/file-" + f)));
            }
        }
        assertEquals(1 + 300 + 300 * 7 + 300 * 300, t.size());
        for (int d = 0; d < 300; d += 37) {
            for (int f = 0; f < 300; f += 11) {
                String p = "dir" + d + "/sub" + (f % 7) + "/file-" + f;
                assertEquals(p, t.path(t.find(p)));
            }
        }
    }
}
