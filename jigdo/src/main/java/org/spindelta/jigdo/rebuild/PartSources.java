package org.spindelta.jigdo.rebuild;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where make-image looks for parts, as given on the command line with {@code --source}:
 * {@code LABEL=DIR} maps a {@code .jigdo} label to a local directory (before the file's own
 * {@code [Servers]} entries, like {@code jigit-mkimage -m}); a directory is searched for files of the
 * needed sizes and checksums; a file is a candidate part itself.
 *
 * @param labels label to directories, in the order given
 * @param directories directories to search
 * @param files candidate part files
 */
public record PartSources(Map<String, List<Path>> labels, List<Path> directories, List<Path> files) {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_.-]+");

    public PartSources {
        labels = new LinkedHashMap<>(labels);
        directories = List.copyOf(directories);
        files = List.copyOf(files);
    }

    public static PartSources none() {
        return new PartSources(Map.of(), List.of(), List.of());
    }

    /**
     * Sorts {@code --source} arguments: {@code LABEL=DIR} when the text before the first {@code =} is a
     * label name, else a directory or a file by what exists.
     *
     * @throws IllegalArgumentException naming an argument that names nothing
     */
    public static PartSources parse(List<String> args) {
        Map<String, List<Path>> labels = new LinkedHashMap<>();
        List<Path> dirs = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0 && LABEL.matcher(a.substring(0, eq)).matches() && !Files.exists(Path.of(a))) {
                Path dir = Path.of(a.substring(eq + 1));
                if (!Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("--source " + a + ": " + dir + " is not a directory");
                }
                labels.computeIfAbsent(a.substring(0, eq), k -> new ArrayList<>()).add(dir);
            } else if (Files.isDirectory(Path.of(a))) {
                dirs.add(Path.of(a));
            } else if (Files.isRegularFile(Path.of(a))) {
                files.add(Path.of(a));
            } else {
                throw new IllegalArgumentException("--source " + a + ": no such directory or file");
            }
        }
        return new PartSources(labels, dirs, files);
    }
}
