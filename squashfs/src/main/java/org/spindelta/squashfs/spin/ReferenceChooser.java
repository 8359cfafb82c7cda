package org.spindelta.squashfs.spin;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.spindelta.squashfs.chunk.PathTable;

/**
 * Picks the base file a changed target file is diffed against: the same path; else a file in the same
 * directory whose name differs only in its digits (a version bump: libfoo.so.1.2 → libfoo.so.1.3); else
 * the same file name elsewhere; else, for files of at least {@value #MIN_SIZE_MATCH} bytes, the base
 * file with the same extension and the closest size within ±{@value #SIZE_TOLERANCE_PERCENT}%; else
 * nothing. Ties go to the closest size, then to the file met first.
 */
final class ReferenceChooser {
    static final long MIN_SIZE_MATCH = 4096;
    static final int SIZE_TOLERANCE_PERCENT = 25;
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    /**
     * A file of the base image: its path (its number in the catalog's {@link PathTable}), size and the blocks
     * holding it.
     */
    record BaseFile(int pathId, long size, List<Source> blocks) {
    }

    private final PathTable paths;
    /** By path number; null where the number is no base file, and numbers past its end are none either. */
    private final BaseFile[] byPathId;
    private final KeyIndex byVersionless;
    private final KeyIndex byName;
    private final Map<String, TreeMap<Long, BaseFile>> byExtension = new HashMap<>();

    /**
     * @param paths numbers the paths of the base files and of the target files asked for
     * @param byPathId the base files by path number, null for none; "met first" in ties means a lower number
     */
    ReferenceChooser(PathTable paths, BaseFile[] byPathId) {
        this.paths = paths;
        this.byPathId = byPathId;
        BaseFile[] all = Arrays.stream(byPathId).filter(Objects::nonNull).toArray(BaseFile[]::new);
        byVersionless = new KeyIndex(all, f -> versionless(paths.path(f.pathId())));
        byName = new KeyIndex(all, f -> name(paths.path(f.pathId())));
        for (BaseFile f : all) {
            if (f.size() >= MIN_SIZE_MATCH) {
                byExtension.computeIfAbsent(extension(paths.path(f.pathId())), k -> new TreeMap<>())
                        .putIfAbsent(f.size(), f);
            }
        }
    }

    /** The reference for the target file of path number {@code pathId}, or null. */
    BaseFile choose(int pathId, long size) {
        BaseFile same = pathId < byPathId.length ? byPathId[pathId] : null;
        return same != null ? same : chooseElsewhere(paths.path(pathId), size);
    }

    /** The reference for the target file {@code path}, or null. */
    BaseFile choose(String path, long size) {
        int id = paths.find(path);
        return id >= 0 ? choose(id, size) : chooseElsewhere(path, size);
    }

    /** The reference for a target file that has no base file of its path. */
    private BaseFile chooseElsewhere(String path, long size) {
        BaseFile f = byVersionless.closest(versionless(path), size);
        if (f != null) {
            return f;
        }
        f = byName.closest(name(path), size);
        if (f != null || size < MIN_SIZE_MATCH) {
            return f;
        }
        TreeMap<Long, BaseFile> sizes = byExtension.get(extension(path));
        if (sizes == null) {
            return null;
        }
        var lo = sizes.floorEntry(size);
        var hi = sizes.ceilingEntry(size);
        BaseFile best = lo == null ? (hi == null ? null : hi.getValue())
                : hi == null || size - lo.getKey() <= hi.getKey() - size ? lo.getValue() : hi.getValue();
        if (best == null || Math.abs(best.size() - size) * 100 > size * SIZE_TOLERANCE_PERCENT) {
            return null;
        }
        return best;
    }

    static String versionless(String path) {
        return DIGITS.matcher(path).replaceAll("#");
    }

    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String extension(String path) {
        String n = name(path);
        int dot = n.lastIndexOf('.');
        return dot <= 0 ? "" : n.substring(dot);
    }

    /**
     * Base files by a key made from their path, in 8 bytes per file instead of a map from key strings to
     * lists (which took ~40 MB for the 206,000 files of a 4.4 GB image): each entry packs the key's 64-bit
     * hash, its low bits cleared, with the file's number in those bits, and the entries are sorted. A lookup
     * takes the entries of the key's hash and keeps those whose key really is the one asked for, so a hash
     * collision costs a comparison, never a wrong match.
     */
    private static final class KeyIndex {
        private final BaseFile[] files;
        private final Function<BaseFile, String> key;
        private final long mask;
        private final long[] entries;

        KeyIndex(BaseFile[] files, Function<BaseFile, String> key) {
            this.files = files;
            this.key = key;
            int bits = 64 - Long.numberOfLeadingZeros(Math.max(1, files.length - 1));
            this.mask = (1L << bits) - 1;
            this.entries = new long[files.length];
            for (int i = 0; i < files.length; i++) {
                entries[i] = hash(key.apply(files[i])) & ~mask | i;
            }
            Arrays.sort(entries);
        }

        /** Of the files whose key is {@code k}, the one closest to {@code size}, or null. */
        BaseFile closest(String k, long size) {
            long top = hash(k) & ~mask;
            int at = Arrays.binarySearch(entries, top);
            BaseFile best = null;
            for (int i = at < 0 ? -at - 1 : at; i < entries.length && (entries[i] & ~mask) == top; i++) {
                BaseFile c = files[(int) (entries[i] & mask)];
                if ((best == null || Math.abs(c.size() - size) < Math.abs(best.size() - size))
                        && key.apply(c).equals(k)) {
                    best = c;
                }
            }
            return best;
        }

        /** FNV-1a over the UTF-16 units, then a finalizing mix so the high bits depend on every unit. */
        static long hash(String s) {
            long h = 0xcbf29ce484222325L;
            for (int i = 0; i < s.length(); i++) {
                h = (h ^ s.charAt(i)) * 0x100000001b3L;
            }
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            return h ^ h >>> 33;
        }
    }
}
