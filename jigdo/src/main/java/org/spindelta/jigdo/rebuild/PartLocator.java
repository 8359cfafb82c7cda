package org.spindelta.jigdo.rebuild;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FileDigest;
import org.spindelta.core.Progress;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.format.JigdoBase64;
import org.spindelta.jigdo.format.JigdoFile;
import org.spindelta.jigdo.format.RangeLocation;
import org.spindelta.jigdo.iso.IsoFile;
import org.spindelta.jigdo.iso.IsoImage;

/**
 * Finds a local file for each part a template needs, before anything is written:
 *
 * <ol>
 *   <li>through the {@code .jigdo} file: each {@code [Parts]} location ({@code Label:path}, expanded
 *       through {@code --source LABEL=DIR} and then the file's {@code [Servers]}, labels referring to
 *       labels included; {@code file:} URIs), taking the first regular file of the right size. A part
 *       missing from {@code [Parts]} is looked up as {@code MD5Sum:<b64>} / {@code SHA256Sum:<b64>}, as
 *       jigdo does. A location with a byte range ({@link RangeLocation}, parts of a template made
 *       against a base image) takes those bytes of the file it names, or of a {@code --source} file of that
 *       name;
 *   <li>then among the files of the {@code --source} directories and files with the right size: the only
 *       one, or, when several share a size, the one with the right checksum. A {@code --source} file that
 *       is an ISO 9660 image (an older image of the same series) also offers each of its files, read at
 *       its extent and always settled by checksum.
 * </ol>
 *
 * A found file is verified by checksum while the image is built ({@link ImageAssembler}); only size
 * clashes are hashed here. Paths from the {@code .jigdo} file may not climb out of their label's
 * directory ({@code ..}). Remote URIs are left to the network side.
 */
public final class PartLocator {
    /** Labels may refer to labels; deeper than this is a loop (jigdo: "undefined behaviour"). */
    static final int MAX_LABEL_DEPTH = 16;

    private final ChecksumKind kind;
    private final Optional<JigdoFile> jigdo;
    private final Path jigdoDir;
    private final PartSources sources;

    /**
     * @param jigdoDir what relative {@code file:} locations in the {@code .jigdo} file are relative to: its
     *     directory
     */
    public PartLocator(ChecksumKind kind, Optional<JigdoFile> jigdo, Path jigdoDir, PartSources sources) {
        this.kind = kind;
        this.jigdo = jigdo;
        this.jigdoDir = jigdoDir;
        this.sources = sources;
    }

    /**
     * A file for each of {@code needed}.
     *
     * @throws MissingPartsException listing every part found nowhere
     */
    public Map<PartKey, PartFile> locate(Collection<PartKey> needed, Progress progress) throws IOException {
        Map<PartKey, PartFile> found = locateAvailable(needed, progress);
        Map<String, List<String>> parts = jigdo.isPresent() ? jigdo.get().parts() : Map.of();
        List<String> missing = new ArrayList<>();
        for (PartKey k : needed) {
            if (!found.containsKey(k)) {
                List<String> at = parts.getOrDefault(k.checksum(), List.of());
                missing.add((at.isEmpty() ? kind.partLabel() + ":" + k.checksum() : String.join(" or ", at))
                        + " (" + k.length() + " bytes)");
            }
        }
        if (!missing.isEmpty()) {
            throw new MissingPartsException(missing.stream().distinct().sorted().toList());
        }
        return found;
    }

    /**
     * A file for each of {@code needed} that is on this machine; the others are left out (for
     * {@code jigdo get}, which downloads them).
     */
    public Map<PartKey, PartFile> locateAvailable(Collection<PartKey> needed, Progress progress) throws IOException {
        Map<PartKey, PartFile> found = new LinkedHashMap<>();
        Map<String, List<String>> parts = jigdo.isPresent() ? jigdo.get().parts() : Map.of();
        Map<String, List<JigdoFile.Server>> servers = jigdo.isPresent() ? jigdo.get().servers() : Map.of();
        List<PartKey> rest = new ArrayList<>();
        for (PartKey k : Set.copyOf(needed).stream().sorted((a, b) -> a.checksum().compareTo(b.checksum())).toList()) {
            PartFile p = null;
            for (String location : locations(k, parts)) {
                p = partAt(location, k.length(), servers);
                if (p != null) {
                    break;
                }
            }
            if (p != null) {
                found.put(k, p);
            } else {
                rest.add(k);
            }
        }
        if (!rest.isEmpty() && (!sources.directories().isEmpty() || !sources.files().isEmpty())) {
            searchSources(rest, found, progress);
        }
        return found;
    }

    private List<String> locations(PartKey k, Map<String, List<String>> parts) {
        List<String> at = new ArrayList<>(parts.getOrDefault(k.checksum(), List.of()));
        at.add(kind.partLabel() + ":" + k.checksum());
        return at;
    }

    /**
     * Where a {@code .jigdo} location's {@code length} bytes are, if here: a file of that size, or for a
     * {@link RangeLocation} a file long enough to hold the range, found through the labels or, failing
     * that, among the {@code --source} files by its name (the base image given on the command line).
     */
    private PartFile partAt(String location, long length, Map<String, List<JigdoFile.Server>> servers)
            throws CorruptInputException {
        Optional<RangeLocation> range = RangeLocation.parse(location);
        if (range.isEmpty()) {
            for (Path p : expand(location, servers, 0)) {
                if (Files.isRegularFile(p) && size(p) == length) {
                    return PartFile.whole(p);
                }
            }
            return null;
        }
        RangeLocation r = range.get();
        if (r.length() != length) {
            return null;
        }
        List<Path> paths = new ArrayList<>(expand(r.file(), servers, 0));
        String name = r.file().substring(r.file().lastIndexOf('/') + 1);
        name = name.substring(name.indexOf(':') + 1);
        for (Path f : sources.files()) {
            if (f.getFileName() != null && f.getFileName().toString().equals(name)) {
                paths.add(f);
            }
        }
        for (Path p : paths) {
            if (Files.isRegularFile(p) && size(p) >= r.end()) {
                return PartFile.range(p, r.first());
            }
        }
        return null;
    }

    private List<Path> expand(String location, Map<String, List<JigdoFile.Server>> servers, int depth)
            throws CorruptInputException {
        if (depth > MAX_LABEL_DEPTH) {
            throw new CorruptInputException(".jigdo [Servers] labels nest deeper than " + MAX_LABEL_DEPTH
                    + " expanding '" + location + "' (a loop?)");
        }
        Optional<Path> local = localFile(location);
        if (local.isPresent()) {
            return List.of(local.get());
        }
        int colon = location.indexOf(':');
        if (colon <= 0) {
            return List.of();
        }
        String label = location.substring(0, colon);
        String path = location.substring(colon + 1);
        if (!safeRelative(path)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        for (Path dir : sources.labels().getOrDefault(label, List.of())) {
            out.add(dir.resolve(path));
        }
        for (JigdoFile.Server s : servers.getOrDefault(label, List.of())) {
            for (Path base : expand(s.location(), servers, depth + 1)) {
                out.add(path.isEmpty() ? base : Path.of(base.toString() + (base.toString().endsWith("/") ? "" : "/") + path));
            }
        }
        return out;
    }

    /** A {@code file:} URI's path: {@code file:rel/}, {@code file:/abs/}, {@code file:///abs/}. */
    private Optional<Path> localFile(String location) {
        if (!location.startsWith("file:")) {
            return Optional.empty();
        }
        String p = location.substring("file:".length());
        if (p.startsWith("//")) {
            p = p.substring(2);
        }
        return Optional.of(p.startsWith("/") ? Path.of(p) : jigdoDir.resolve(p));
    }

    private static boolean safeRelative(String path) {
        if (path.startsWith("/")) {
            return false;
        }
        for (String seg : path.split("/")) {
            if (seg.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** A place a part may be: a whole file, or a file's extent inside an ISO image given with --source. */
    private record Candidate(PartFile part, long length, boolean inImage) {}

    private void searchSources(List<PartKey> rest, Map<PartKey, PartFile> found, Progress progress)
            throws IOException {
        Map<Long, List<PartKey>> bySize = new HashMap<>();
        for (PartKey k : rest) {
            bySize.computeIfAbsent(k.length(), s -> new ArrayList<>()).add(k);
        }
        Map<Long, List<Candidate>> candidates = new HashMap<>();
        for (Path f : sources.files()) {
            long s = size(f);
            if (bySize.containsKey(s)) {
                candidates.computeIfAbsent(s, x -> new ArrayList<>()).add(new Candidate(PartFile.whole(f), s, false));
            }
            for (IsoFile inside : isoFiles(f)) {
                if (bySize.containsKey(inside.size()) && inside.size() > 0 && inside.contiguous()) {
                    candidates.computeIfAbsent(inside.size(), x -> new ArrayList<>()).add(new Candidate(
                            PartFile.range(f, inside.extents().get(0).offset()), inside.size(), true));
                }
            }
        }
        for (Path dir : sources.directories()) {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && bySize.containsKey(attrs.size())) {
                        candidates.computeIfAbsent(attrs.size(), x -> new ArrayList<>())
                                .add(new Candidate(PartFile.whole(file), attrs.size(), false));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // unreadable entries are simply not candidates
                }
            });
        }
        for (Map.Entry<Long, List<PartKey>> e : bySize.entrySet()) {
            List<Candidate> files = candidates.getOrDefault(e.getKey(), List.of());
            List<PartKey> keys = e.getValue();
            if (files.size() == 1 && keys.size() == 1 && !files.get(0).inImage()) {
                found.put(keys.get(0), files.get(0).part()); // verified while the image is built
                continue;
            }
            // several of a size, or a file of another image (where a same-sized file is a likely stranger):
            // settled by checksum
            for (Candidate c : files) {
                String sum = JigdoBase64.encode(checksum(c, progress));
                for (PartKey k : keys) {
                    if (k.checksum().equals(sum)) {
                        found.putIfAbsent(k, c.part());
                    }
                }
            }
        }
    }

    /**
     * The files of {@code f} when it is an ISO 9660 image (an older image of the same series holds most of a
     * new one's files), else none: a file that is not an ISO, or whose directory tree is damaged, is only
     * a candidate part itself.
     */
    private static List<IsoFile> isoFiles(Path f) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            return IsoImage.read(ch).files();
        } catch (IOException e) {
            return List.of();
        }
    }

    private byte[] checksum(Candidate c, Progress progress) throws IOException {
        try (FileChannel ch = FileChannel.open(c.part().file(), StandardOpenOption.READ)) {
            return FileDigest.of(ch, c.part().offset(), c.length(), kind.newDigest(), progress);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }
}
