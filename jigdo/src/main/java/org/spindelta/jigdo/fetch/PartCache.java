package org.spindelta.jigdo.fetch;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;
import org.spindelta.core.Sha256;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.VerificationException;
import org.spindelta.jigdo.format.JigdoBase64;
import org.spindelta.jigdo.rebuild.PartFile;
import org.spindelta.jigdo.rebuild.PartKey;

/**
 * The download directory of {@code jigdo get} ({@code OUT.parts/} or {@code --cache}): each part under
 * its checksum and length ({@code <jigdo base64>-<length>}), the template under its checksum. A file is
 * written under a temporary name ({@code *.tmp}) and renamed to its own only once its checksum is verified,
 * so every file with a final name is a verified part: a run that is killed loses at most the parts in
 * flight, and the next run takes the others as they are. Names come from checksums alone, never from a
 * server, so nothing is written outside the directory. One run per cache at a time.
 */
public final class PartCache {
    /** jigdo base64 (RFC 4648 section 5 alphabet, no padding): safe as a file name. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final String TEMP = ".tmp";
    /** What {@link #pathOf} and {@link #named} make. */
    private static final Pattern OWN = Pattern.compile("[A-Za-z0-9_-]{1,100}(-\\d{1,18}|\\.template)");
    /** Where a downloaded {@code .jigdo} file is kept for the run. */
    public static final String JIGDO_NAME = "image.jigdo";

    private final Path dir;

    private PartCache(Path dir) {
        this.dir = dir;
    }

    /** Opens (creating) {@code dir} and removes the temporary files a killed run left. */
    public static PartCache open(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new SpindeltaException("cache " + dir + " is not a directory");
        }
        Files.createDirectories(dir);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + TEMP)) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
        }
        return new PartCache(dir);
    }

    public Path dir() {
        return dir;
    }

    /** The verified part {@code k}, if an earlier download left it here (with the right length). */
    public Optional<PartFile> get(PartKey k) throws IOException {
        Path p = pathOf(k);
        return Files.isRegularFile(p) && Files.size(p) == k.length() ? Optional.of(PartFile.whole(p)) : Optional.empty();
    }

    /** A new, empty temporary file for a download of {@code name}. */
    public Path newTemp(String name) throws IOException {
        return Files.createTempFile(dir, checkedName(name) + ".", TEMP);
    }

    /**
     * Moves the download {@code temp} to the part's own name if {@code digest} is the part's checksum;
     * otherwise deletes it.
     *
     * @throws VerificationException if the checksum differs
     */
    public PartFile accept(PartKey k, Path temp, byte[] digest, String from) throws IOException {
        if (!JigdoBase64.encode(digest).equals(k.checksum())) {
            Files.deleteIfExists(temp);
            throw new VerificationException(from + ": checksum " + Sha256.hex(digest) + " is not the part's "
                    + k.checksum() + " (jigdo base64)");
        }
        Path p = pathOf(k);
        Files.move(temp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return PartFile.whole(p);
    }

    /** Where a file verified to have {@code checksum} (jigdo base64) is kept, e.g. the template. */
    public Path named(String checksum, String suffix) {
        return dir.resolve(checkedName(checksum) + suffix);
    }

    /** Moves a verified temporary file to {@code to}, a name of {@link #named}. */
    public void keep(Path temp, Path to) throws IOException {
        Files.move(temp, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Removes the files this cache names (parts, templates, the downloaded {@code .jigdo} file) and then the
     * directory if nothing else is in it.
     */
    public void deleteOwnFiles() throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && (OWN.matcher(n).matches()
                        || n.equals(JIGDO_NAME))) {
                    Files.delete(p);
                }
            }
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            if (!s.iterator().hasNext()) {
                Files.delete(dir);
            }
        }
    }

    private Path pathOf(PartKey k) {
        return dir.resolve(checkedName(k.checksum()) + "-" + k.length());
    }

    private static String checkedName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a checksum in jigdo base64");
        }
        return name;
    }
}
