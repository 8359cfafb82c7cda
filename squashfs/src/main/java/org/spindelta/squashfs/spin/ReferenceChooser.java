package org.spindelta.squashfs.spin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Picks the base file a changed target file is diffed against: the same path; else a file in the same
 * directory whose name differs only in its digits (a version bump: libfoo.so.1.2 → libfoo.so.1.3); else
 * the same file name elsewhere; else, for files of at least {@value #MIN_SIZE_MATCH} bytes, the base
 * file with the same extension and the closest size within ±{@value #SIZE_TOLERANCE_PERCENT}%; else
 * nothing. Ties go to the closest size.
 */
final class ReferenceChooser {
    static final long MIN_SIZE_MATCH = 4096;
    static final int SIZE_TOLERANCE_PERCENT = 25;

    /** A file of the base image: its path, size and the blocks holding it. */
    record BaseFile(String path, long size, List<Source> blocks) {
    }

    private final Map<String, BaseFile> byPath;
    private final Map<String, List<BaseFile>> byVersionless = new HashMap<>();
    private final Map<String, List<BaseFile>> byName = new HashMap<>();
    private final Map<String, TreeMap<Long, BaseFile>> byExtension = new HashMap<>();

    ReferenceChooser(Map<String, BaseFile> files) {
        this.byPath = files;
        for (BaseFile f : files.values()) {
            byVersionless.computeIfAbsent(versionless(f.path()), k -> new ArrayList<>()).add(f);
            byName.computeIfAbsent(name(f.path()), k -> new ArrayList<>()).add(f);
            if (f.size() >= MIN_SIZE_MATCH) {
                byExtension.computeIfAbsent(extension(f.path()), k -> new TreeMap<>()).putIfAbsent(f.size(), f);
            }
        }
    }

    /** The reference for a target file, or null. */
    BaseFile choose(String path, long size) {
        BaseFile same = byPath.get(path);
        if (same != null) {
            return same;
        }
        BaseFile f = closest(byVersionless.get(versionless(path)), size);
        if (f != null) {
            return f;
        }
        f = closest(byName.get(name(path)), size);
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

    private static BaseFile closest(List<BaseFile> candidates, long size) {
        if (candidates == null) {
            return null;
        }
        BaseFile best = null;
        for (BaseFile c : candidates) {
            if (best == null || Math.abs(c.size() - size) < Math.abs(best.size() - size)) {
                best = c;
            }
        }
        return best;
    }

    static String versionless(String path) {
        return path.replaceAll("[0-9]+", "#");
    }

    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String extension(String path) {
        String n = name(path);
        int dot = n.lastIndexOf('.');
        return dot <= 0 ? "" : n.substring(dot);
    }
}
