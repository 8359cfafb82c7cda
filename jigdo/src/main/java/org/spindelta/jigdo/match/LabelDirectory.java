package org.spindelta.jigdo.match;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One {@code --label NAME=DIR} of make-template: files below DIR are candidates, named {@code NAME:path}
 * in the .jigdo, and {@code NAME} maps to a server in its [Servers] section (jigdo-file's
 * {@code --label}, JTE's {@code -jigdo-map}).
 */
public record LabelDirectory(String label, Path dir) {
    public LabelDirectory {
        if (label.isEmpty() || !label.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_'
                || c == '.')) {
            throw new IllegalArgumentException("label \"" + label + "\": use letters, digits, '-', '_' and '.' only");
        }
    }

    /**
     * Parses {@code NAME=DIR}.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    public static LabelDirectory parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new IllegalArgumentException("--label wants NAME=DIR, got \"" + spec + "\"");
        }
        Path dir = Path.of(spec.substring(eq + 1));
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--label " + spec + ": " + dir + " is not a directory");
        }
        return new LabelDirectory(spec.substring(0, eq), dir.toAbsolutePath().normalize());
    }
}
