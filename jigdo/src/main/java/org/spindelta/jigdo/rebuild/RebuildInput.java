package org.spindelta.jigdo.rebuild;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.spindelta.core.FileDigest;
import org.spindelta.core.InputFile;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.VerificationException;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.format.JigdoFile;
import org.spindelta.jigdo.format.JigdoFileReader;
import org.spindelta.jigdo.format.Template;
import org.spindelta.jigdo.format.TemplateFormat;
import org.spindelta.jigdo.format.TemplateReader;

/**
 * The template, and the {@code .jigdo} file if one was given, of a make-image run. Given a
 * {@code .jigdo} file, the template is the one its {@code [Image] Template} names: a path relative to
 * the {@code .jigdo} file, or for a URL the file of the same name beside it; its
 * {@code Template-MD5Sum}/{@code Template-SHA256Sum} is checked.
 */
public final class RebuildInput implements AutoCloseable {
    private final Path templatePath;
    private final FileChannel channel;
    private final Template template;
    private final Optional<JigdoFile> jigdo;
    private final Path jigdoDir;

    private RebuildInput(Path templatePath, FileChannel channel, Template template, Optional<JigdoFile> jigdo,
            Path jigdoDir) {
        this.templatePath = templatePath;
        this.channel = channel;
        this.template = template;
        this.jigdo = jigdo;
        this.jigdoDir = jigdoDir;
    }

    /**
     * Opens {@code input}, a {@code .jigdo} (plain or gzip) or {@code .template} file; {@code template}
     * overrides the one a {@code .jigdo} file names.
     */
    public static RebuildInput open(Path input, Optional<Path> template) throws IOException {
        Path dir = Optional.ofNullable(input.toAbsolutePath().getParent()).orElse(Path.of("/"));
        if (isTemplate(input)) {
            return withTemplate(input, Optional.empty(), dir);
        }
        JigdoFile jigdo;
        try (InputStream in = Files.newInputStream(input)) {
            jigdo = JigdoFileReader.read(in, JigdoFileReader.DEFAULT_MAX_BYTES);
        } catch (SpindeltaException e) {
            throw new SpindeltaException(input + ": " + e.getMessage(), e);
        }
        Path t = template.isPresent() ? template.get() : templateOf(jigdo, input, dir);
        return withTemplate(t, Optional.of(jigdo), dir);
    }

    private static RebuildInput withTemplate(Path path, Optional<JigdoFile> jigdo, Path dir) throws IOException {
        FileChannel ch = InputFile.open(path, "template");
        try {
            Template t;
            try {
                t = TemplateReader.read(ch);
            } catch (SpindeltaException e) {
                throw new SpindeltaException(path + ": " + e.getMessage(), e);
            }
            if (jigdo.isPresent()) {
                checkTemplateSum(ch, path, jigdo.get());
            }
            return new RebuildInput(path, ch, t, jigdo, dir);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static boolean isTemplate(Path input) throws IOException {
        byte[] prefix = TemplateFormat.HEADER_PREFIX.getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = InputFile.open(input, "JIGDO_OR_TEMPLATE");
                InputStream in = java.nio.channels.Channels.newInputStream(ch)) {
            return Arrays.equals(in.readNBytes(prefix.length), prefix);
        }
    }

    private static Path templateOf(JigdoFile jigdo, Path input, Path dir) throws IOException {
        String t = jigdo.image("Template").orElseThrow(() -> new SpindeltaException(input
                + ": [Image] has no Template entry; name the template with --template"));
        String name = t;
        if (t.contains("://")) {
            String p = URI.create(t.replace(" ", "%20")).getPath();
            name = p == null ? "" : p.substring(p.lastIndexOf('/') + 1);
        }
        Path found = dir.resolve(name);
        if (name.isEmpty() || !Files.isRegularFile(found)) {
            throw new SpindeltaException(input + ": its template " + t + " is not at " + found
                    + "; download it there or name it with --template");
        }
        return found;
    }

    private static void checkTemplateSum(FileChannel ch, Path path, JigdoFile jigdo) throws IOException {
        for (ChecksumKind k : ChecksumKind.values()) {
            Optional<byte[]> want = jigdo.templateChecksum(k);
            if (want.isPresent()) {
                byte[] got = FileDigest.of(ch, 0, ch.size(), k.newDigest(), Progress.NONE);
                if (!Arrays.equals(got, want.get())) {
                    throw new VerificationException("template " + path + " has " + k.label() + " " + Sha256.hex(got)
                            + " but the .jigdo file's " + k.templateKey() + " says " + Sha256.hex(want.get()));
                }
            }
        }
    }

    public Path templatePath() {
        return templatePath;
    }

    public FileChannel channel() {
        return channel;
    }

    public Template template() {
        return template;
    }

    public Optional<JigdoFile> jigdo() {
        return jigdo;
    }

    /** What relative {@code file:} locations of the {@code .jigdo} file are relative to. */
    public Path jigdoDir() {
        return jigdoDir;
    }

    /** A locator over this input's {@code .jigdo} file and {@code sources}. */
    public PartLocator locator(PartSources sources) {
        return new PartLocator(template.checksumKind(), jigdo, jigdoDir, sources);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
