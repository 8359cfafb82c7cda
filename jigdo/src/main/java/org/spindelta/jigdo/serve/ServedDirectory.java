package org.spindelta.jigdo.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.spindelta.core.SpindeltaException;
import org.spindelta.jigdo.format.JigdoFile;
import org.spindelta.jigdo.format.JigdoFileReader;

/**
 * What the server offers, read once at startup from the files directly in DIR: an image for each
 * {@code .jigdo} file (named by its {@code [Image] Filename}) and for each template no {@code .jigdo} file
 * names (named by the template's file name without {@code .template}), and the {@code .jigdo} and template
 * files themselves.
 *
 * <p>Path safety: requests are answered by looking their last path segment up in this map, never by
 * building a path from them, so no {@code ..} or encoded separator can reach another file. Files are taken
 * only if their real path (symbolic links resolved) lies directly in DIR's real path; the others are skipped
 * with a notice.
 */
public final class ServedDirectory {
    private final Path dir;
    private final List<ServedImage> images;
    private final Map<String, ServedResource> byName;
    private final List<String> notices;

    private ServedDirectory(Path dir, List<ServedImage> images, Map<String, ServedResource> byName, List<String> notices) {
        this.dir = dir;
        this.images = images;
        this.byName = byName;
        this.notices = notices;
    }

    /**
     * Scans {@code dir} and opens every image (templates read, parts located; see {@link ServedImage}).
     *
     * @throws SpindeltaException if {@code dir} is not a readable directory
     */
    public static ServedDirectory scan(Path dir, ServeOptions o, PartVerifier verifier) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new SpindeltaException("DIR " + dir + " is not a directory");
        }
        Path real = dir.toRealPath();
        List<String> notices = new ArrayList<>();
        List<Path> jigdos = new ArrayList<>();
        List<Path> templates = new ArrayList<>();
        try (Stream<Path> s = Files.list(real)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                boolean jigdo = n.endsWith(".jigdo");
                if (!jigdo && !n.endsWith(".template")) {
                    continue;
                }
                if (!inside(p, real)) {
                    notices.add("skipped " + n + ": not a regular file directly in " + real + " (a link out of it?)");
                    continue;
                }
                (jigdo ? jigdos : templates).add(p);
            }
        }
        Map<String, ServedResource> byName = new LinkedHashMap<>();
        for (Path p : jigdos) {
            byName.put(p.getFileName().toString(), ServedFile.of(p, "application/x-jigdo"));
        }
        for (Path p : templates) {
            byName.put(p.getFileName().toString(), ServedFile.of(p, "application/x-jigdo-template"));
        }
        List<ServedImage> images = new ArrayList<>();
        List<Path> usedTemplates = new ArrayList<>();
        for (Path j : jigdos) {
            ServedImage img = ServedImage.open(imageName(j), j, o.sources(), verifier, o);
            img.templatePath().ifPresent(t -> usedTemplates.add(realOrSelf(t)));
            add(img, byName, images, notices);
        }
        for (Path t : templates) {
            if (!usedTemplates.contains(realOrSelf(t))) {
                String n = t.getFileName().toString();
                String name = n.substring(0, n.length() - ".template".length());
                add(ServedImage.open(name.isEmpty() ? n + ".image" : name, t, o.sources(), verifier, o), byName, images,
                        notices);
            }
        }
        return new ServedDirectory(real, Collections.unmodifiableList(images), Collections.unmodifiableMap(byName),
                List.copyOf(notices));
    }

    private static void add(ServedImage img, Map<String, ServedResource> byName, List<ServedImage> images,
            List<String> notices) {
        ServedResource taken = byName.get(img.name());
        if (taken != null) {
            notices.add("skipped the image " + img.name() + " of " + img.source().getFileName() + ": the name is taken by "
                    + (taken instanceof ServedImage other ? "the image of " + other.source().getFileName() : "a file"));
            return;
        }
        byName.put(img.name(), img);
        images.add(img);
    }

    /** {@code [Image] Filename}'s last path segment, else the {@code .jigdo} file's name without it. */
    private static String imageName(Path jigdo) {
        String fallback = jigdo.getFileName().toString().replaceFirst("\\.jigdo$", "");
        try (var in = Files.newInputStream(jigdo)) {
            JigdoFile f = JigdoFileReader.read(in, JigdoFileReader.DEFAULT_MAX_BYTES);
            Optional<String> name = f.image("Filename");
            if (name.isPresent()) {
                String n = name.get().substring(name.get().lastIndexOf('/') + 1);
                if (validName(n)) {
                    return n;
                }
            }
        } catch (IOException e) {
            // ServedImage.open reports the file's problem
        }
        return fallback.isEmpty() ? "image" : fallback;
    }

    /** A name usable as one URL path segment and shown in the listing. */
    static boolean validName(String n) {
        if (n.isEmpty() || n.equals(".") || n.equals("..") || n.length() > 255) {
            return false;
        }
        return n.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == '/' || c == '\\');
    }

    private static boolean inside(Path p, Path realDir) {
        try {
            Path r = p.toRealPath();
            return Files.isRegularFile(r) && realDir.equals(r.getParent());
        } catch (IOException e) {
            return false;
        }
    }

    private static Path realOrSelf(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    /** DIR's real path. */
    public Path dir() {
        return dir;
    }

    /** The images, in the order of their files' names. */
    List<ServedImage> images() {
        return images;
    }

    /** The resource named {@code name} (one URL path segment, decoded), if any. */
    Optional<ServedResource> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Files skipped, names clashing: one line each. */
    public List<String> notices() {
        return notices;
    }

    /**
     * One line per image for the console: name, length, and "available" (with parts failing their checksum,
     * if any were hashed) or why not.
     */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (ServedImage img : images) {
            out.add(ImageStatus.of(img).line());
        }
        return out;
    }
}
