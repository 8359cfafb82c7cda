package org.spindelta.squashfs.extract;

import java.util.List;
import java.util.Optional;

/**
 * What {@link TreeExtractor} extracts and how: the subtrees to extract (PATH arguments), the number of
 * threads that decode and write file data, and whether to behave as root (owners, device nodes, xattrs
 * outside "user.", setuid and setgid bits) or as an ordinary user. Immutable; the {@code with*} methods
 * validate and return a copy.
 */
public final class ExtractOptions {
    public static final int MIN_THREADS = 1;
    /** More writers than this only add contention: every one holds a few MiB of buffers. */
    public static final int MAX_THREADS = 256;
    /** All cores. */
    public static final int DEFAULT_THREADS = Math.max(MIN_THREADS,
            Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));

    private final int threads;
    private final List<String> paths;
    private final Boolean privileged;

    private ExtractOptions(int threads, List<String> paths, Boolean privileged) {
        this.threads = threads;
        this.paths = paths;
        this.privileged = privileged;
    }

    /** The whole image, on all cores, as root when the effective uid is 0. */
    public static ExtractOptions defaults() {
        return new ExtractOptions(DEFAULT_THREADS, List.of(), null);
    }

    /**
     * @throws IllegalArgumentException if {@code n} is outside [MIN_THREADS, MAX_THREADS]
     */
    public ExtractOptions withThreads(int n) {
        if (n < MIN_THREADS || n > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in [" + MIN_THREADS + ", " + MAX_THREADS + "], not " + n);
        }
        return new ExtractOptions(n, paths, privileged);
    }

    /**
     * Extracts only these files or directories of the image (with the directories leading to them); an
     * empty list extracts everything. Components are separated by '/'; a trailing '/' is allowed.
     *
     * @throws IllegalArgumentException if a path is empty, absolute, or has an empty, "." or ".." component
     */
    public ExtractOptions withPaths(List<String> selected) {
        for (String p : selected) {
            components(p);
        }
        return new ExtractOptions(threads, List.copyOf(selected), privileged);
    }

    /**
     * Behave as root ({@code true}: set owners, create device nodes, write xattrs of every namespace,
     * keep setuid/setgid bits) or as an ordinary user ({@code false}: what unsquashfs does without root).
     * The default follows the effective uid.
     */
    public ExtractOptions withPrivileged(boolean asRoot) {
        return new ExtractOptions(threads, paths, asRoot);
    }

    public int threads() {
        return threads;
    }

    public List<String> paths() {
        return paths;
    }

    /** The explicit choice of {@link #withPrivileged}, if one was made. */
    public Optional<Boolean> privileged() {
        return Optional.ofNullable(privileged);
    }

    /**
     * The components of a PATH argument.
     *
     * @throws IllegalArgumentException if the path is not a relative path of plain components
     */
    static List<String> components(String path) {
        if (path.isEmpty() || path.startsWith("/")) {
            throw new IllegalArgumentException("PATH must be a relative path inside the image (no leading '/'): \""
                    + path + "\"");
        }
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        List<String> parts = List.of(trimmed.split("/", -1));
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("PATH may not contain empty, '.' or '..' components: \"" + path
                        + "\"");
            }
        }
        return parts;
    }

    @Override
    public String toString() {
        return "threads " + threads + (paths.isEmpty() ? ", everything" : ", paths " + paths)
                + (privileged == null ? "" : privileged ? ", as root" : ", as a user");
    }
}
