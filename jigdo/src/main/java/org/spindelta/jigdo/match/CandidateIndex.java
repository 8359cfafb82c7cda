package org.spindelta.jigdo.match;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The candidate files of make-template, by size: every regular file below the label directories of at
 * least the minimum size (jigdo-file's and debian-cd's 1024 by default) that no exclude pattern matches.
 * Symlinks are not followed (a tree of links would otherwise list files twice, or loop).
 */
public final class CandidateIndex {
    /** jigdo-file's {@code --min-length} default and debian-cd's {@code -jigdo-min-file-size}. */
    public static final long DEFAULT_MIN_SIZE = 1024;

    private final Map<Long, List<Candidate>> bySize = new HashMap<>();
    private int count;

    private CandidateIndex() {}

    /**
     * Lists the candidates.
     *
     * @param excludes glob patterns (java.nio PathMatcher "glob:" syntax) matched against the path below the
     *     label directory, e.g. {@code **}{@code /*.jigdo} or {@code doc/**}
     */
    public static CandidateIndex scan(List<LabelDirectory> labels, long minSize, List<String> excludes)
            throws IOException {
        List<PathMatcher> matchers = new ArrayList<>();
        for (String e : excludes) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + e));
        }
        CandidateIndex index = new CandidateIndex();
        for (LabelDirectory l : labels) {
            // walkFileTree hands each file's attributes to the visitor: one lstat per file, none followed
            Files.walkFileTree(l.dir(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path p, BasicFileAttributes a) {
                    if (!a.isRegularFile() || a.size() < minSize) {
                        return FileVisitResult.CONTINUE;
                    }
                    Path rel = l.dir().relativize(p);
                    for (PathMatcher m : matchers) {
                        if (m.matches(rel)) {
                            return FileVisitResult.CONTINUE;
                        }
                    }
                    String relative = rel.toString().replace(java.io.File.separatorChar, '/');
                    index.bySize.computeIfAbsent(a.size(), k -> new ArrayList<>())
                            .add(new Candidate(l.label(), relative, p, a.size()));
                    index.count++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                    throw e;
                }
            });
        }
        return index;
    }

    /** Candidates of exactly {@code size} bytes, in scan order. */
    public List<Candidate> ofSize(long size) {
        return bySize.getOrDefault(size, List.of());
    }

    /** Every candidate, in no particular order. */
    public List<Candidate> all() {
        List<Candidate> all = new ArrayList<>(count);
        for (List<Candidate> l : bySize.values()) {
            all.addAll(l);
        }
        return all;
    }

    /** How many candidates there are. */
    public int count() {
        return count;
    }
}
