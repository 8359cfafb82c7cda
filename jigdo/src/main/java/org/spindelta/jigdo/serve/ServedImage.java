package org.spindelta.jigdo.serve;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;
import org.spindelta.core.SpindeltaException;
import org.spindelta.jigdo.format.DataPartReader;
import org.spindelta.jigdo.format.DescEntry;
import org.spindelta.jigdo.format.Template;
import org.spindelta.jigdo.rebuild.ByteRange;
import org.spindelta.jigdo.rebuild.ImageAssembler;
import org.spindelta.jigdo.rebuild.ImageAssembler.ByteSink;
import org.spindelta.jigdo.rebuild.MissingPartsException;
import org.spindelta.jigdo.rebuild.PartFile;
import org.spindelta.jigdo.rebuild.PartKey;
import org.spindelta.jigdo.rebuild.PartSources;
import org.spindelta.jigdo.rebuild.RebuildInput;

/**
 * An image the server builds on the fly from a template and the part files found for it at startup, exactly
 * as make-image would (the same {@link ImageAssembler} code), any byte range of it on request.
 *
 * <p>What is checked, and when:
 * <ul>
 *   <li>at startup: the template (its checksum from the {@code .jigdo} file, or else that every DATA/BZIP part
 *       decompresses to its length with its zlib/bzip2 check), and that every part is found with its
 *       length; an image missing parts is listed as unavailable, with the parts;
 *   <li>per response, before the status line: the template file is the one read at startup (same inode, size,
 *       times); no part the ranges touch is known to fail its checksum; and the parts not yet hashed are
 *       hashed now when they come to at most {@link ServeOptions#verifyBeforeHeaders()} bytes. Any failure
 *       is a 503 naming the part;
 *   <li>while streaming: each part is hashed (once, see {@link PartVerifier}) before its first byte is sent.
 *       A part failing then cuts the connection: the client sees a short body, never wrong bytes.
 * </ul>
 * The image's own checksum covers the whole image and cannot be checked for a range; with every part and
 * the template verified, the bytes are the template's image.
 */
final class ServedImage implements ServedResource {
    private final String name;
    private final Path source;
    private final Optional<Path> templatePath;
    private final Template template;
    private final PartVerifier.FileState templateState;
    private final Map<PartKey, PartFile> parts;
    private final String unavailable;
    private final PartVerifier verifier;
    private final long verifyBeforeHeaders;

    private ServedImage(String name, Path source, Optional<Path> templatePath, Template template,
            PartVerifier.FileState templateState, Map<PartKey, PartFile> parts, String unavailable, PartVerifier verifier,
            long verifyBeforeHeaders) {
        this.name = name;
        this.source = source;
        this.templatePath = templatePath;
        this.template = template;
        this.templateState = templateState;
        this.parts = parts;
        this.unavailable = unavailable;
        this.verifier = verifier;
        this.verifyBeforeHeaders = verifyBeforeHeaders;
    }

    /**
     * Opens the image {@code source} (a {@code .jigdo} or template file) describes and locates its parts. Never
     * throws for a bad input: the image is then unavailable, with the reason.
     */
    static ServedImage open(String name, Path source, PartSources sources, PartVerifier verifier, ServeOptions o) {
        try (RebuildInput in = RebuildInput.open(source, Optional.empty())) {
            Template t = in.template();
            PartVerifier.FileState state = PartVerifier.stateOf(in.templatePath());
            boolean templateSummed = in.jigdo().isPresent()
                    && in.jigdo().get().templateChecksum(t.checksumKind()).isPresent();
            if (!templateSummed) {
                checkData(in.channel(), t, in.templatePath());
            }
            String why = null;
            Map<PartKey, PartFile> parts = Map.of();
            try {
                parts = Map.copyOf(in.locator(sources).locate(ImageAssembler.needed(t), Progress.NONE));
            } catch (MissingPartsException e) {
                int total = ImageAssembler.needed(t).size();
                why = e.missing().size() + " of its " + total + " parts " + (e.missing().size() == 1 ? "is" : "are")
                        + " missing, e.g. " + e.missing().get(0) + " (name where they are with --source)";
            }
            ServedImage img = new ServedImage(name, source, Optional.of(in.templatePath()), t, state, parts, why,
                    verifier, o.verifyBeforeHeaders());
            if (why == null && o.verifyAtStart()) {
                img.verifyAll(new byte[o.bufferSize()]);
            }
            return img;
        } catch (IOException | RuntimeException e) {
            return broken(name, source, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** An image that could not be opened at all: listed with the reason, served as 503. */
    static ServedImage broken(String name, Path source, String why) {
        return new ServedImage(name, source, Optional.empty(), null, null, Map.of(), why, null, 0);
    }

    /**
     * Decompresses every DATA/BZIP part once: lengths, and zlib's Adler-32 and bzip2's CRCs (the reader probes
     * each part's end, where they are checked).
     */
    private static void checkData(FileChannel ch, Template t, Path path) throws IOException {
        long total = t.partCount() == 0 ? 0 : t.part(t.partCount() - 1).dataOffset() + t.part(t.partCount() - 1).dataLength();
        byte[] buf = new byte[1 << 16];
        try (DataPartReader data = new DataPartReader(ch, t)) {
            data.seek(0);
            for (long done = 0; done < total; ) {
                int n = (int) Math.min(buf.length, total - done);
                data.readFully(buf, 0, n);
                done += n;
            }
        } catch (SpindeltaException e) {
            throw new SpindeltaException("template " + path + ": " + e.getMessage(), e);
        }
    }

    /** Hashes every part now (--verify-at-start); failures stay in the verifier's verdicts and the listing. */
    private void verifyAll(byte[] buf) {
        if (template.imageLength() == 0) {
            return;
        }
        for (DescEntry e : partEntries(List.of(new ByteRange(0, template.imageLength() - 1))).values()) {
            try {
                verifier.check(parts.get(PartKey.of(e)), template.checksumKind(), e.checksum(), e.length(), buf);
            } catch (IOException ex) {
                // remembered by the verifier as BAD; the listing and requests report it
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** The {@code .jigdo} or template file it comes from. */
    Path source() {
        return source;
    }

    /** Its template file, unless it could not be opened. */
    Optional<Path> templatePath() {
        return templatePath;
    }

    /** Why it cannot be served at all, if so. */
    Optional<String> unavailable() {
        return Optional.ofNullable(unavailable);
    }

    /** Parts whose last hashing failed, for the listing: "path (md5 ...)". */
    List<String> badParts() {
        List<String> bad = new ArrayList<>();
        if (template == null || unavailable != null || template.imageLength() == 0) {
            return bad;
        }
        for (DescEntry e : partEntries(List.of(new ByteRange(0, template.imageLength() - 1))).values()) {
            PartFile p = parts.get(PartKey.of(e));
            if (verifier.knownBad(p, e.length(), template.checksumKind(), e.checksum())) {
                bad.add(p.toString());
            }
        }
        return bad;
    }

    /** Parts (distinct files) the image is built from. */
    int partCount() {
        return parts.size();
    }

    @Override
    public long length() {
        return template == null ? -1 : template.imageLength();
    }

    @Override
    public String contentType() {
        return name.toLowerCase(Locale.ROOT).endsWith(".iso") ? "application/x-iso9660-image" : "application/octet-stream";
    }

    /** {@code "md5-HEX"} or {@code "sha256-HEX"}: the image's checksum from the template, so strong. */
    @Override
    public String etag() {
        return template == null ? "\"\""
                : "\"" + template.checksumKind().label() + "-" + Sha256.hex(template.imageInfo().checksum()) + "\"";
    }

    /** The template's modification time. */
    @Override
    public long lastModified() {
        return templateState == null ? 0 : templateState.modified().toMillis();
    }

    @Override
    public Body open(List<ByteRange> ranges, byte[] buf) throws IOException {
        if (unavailable != null) {
            throw new UnavailableException(name + " is unavailable: " + unavailable);
        }
        Path tp = templatePath.orElseThrow();
        FileChannel ch;
        try {
            ch = FileChannel.open(tp, StandardOpenOption.READ); // per response: an interrupt closes only this one
        } catch (IOException e) {
            throw new UnavailableException(name + ": its template " + tp + " cannot be read: " + e.getMessage(), e);
        }
        try {
            if (!PartVerifier.stateOf(tp).equals(templateState)) {
                throw new UnavailableException(name + ": its template " + tp
                        + " changed since the server started; restart it to serve the new image");
            }
            checkPartsFirst(ranges, buf);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        DataPartReader data = new DataPartReader(ch, template);
        ImageAssembler.PartOpener opener = e -> {
            PartFile p = parts.get(PartKey.of(e));
            verifier.check(p, template.checksumKind(), e.checksum(), e.length(), buf);
            return ImageAssembler.openPart(p, e);
        };
        return new Body() {
            @Override
            public void write(ByteRange range, ByteSink out) throws IOException {
                ImageAssembler.writeRange(data, template, opener, range, out, buf, Progress.NONE);
            }

            @Override
            public void close() throws IOException {
                try {
                    data.close();
                } finally {
                    ch.close();
                }
            }
        };
    }

    /** 503 before the headers for parts known bad, and hashing of the unknown ones if they are few bytes. */
    private void checkPartsFirst(List<ByteRange> ranges, byte[] buf) throws IOException {
        Map<PartKey, DescEntry> needed = partEntries(ranges);
        List<DescEntry> unknown = new ArrayList<>();
        long unknownBytes = 0;
        for (DescEntry e : needed.values()) {
            PartFile p = parts.get(PartKey.of(e));
            switch (verifier.status(p, e.length(), template.checksumKind(), e.checksum())) {
                case BAD -> throw new UnavailableException(name + ": part " + p + " (image bytes " + e.imageOffset()
                        + "-" + (e.imageEnd() - 1) + ") does not have the template's " + template.checksumKind().label()
                        + " checksum, or cannot be read; it is not served");
                case UNKNOWN -> {
                    unknown.add(e);
                    unknownBytes += e.length();
                }
                case GOOD -> { }
            }
        }
        if (unknownBytes <= verifyBeforeHeaders) {
            for (DescEntry e : unknown) {
                try {
                    verifier.check(parts.get(PartKey.of(e)), template.checksumKind(), e.checksum(), e.length(), buf);
                } catch (IOException ex) {
                    throw new UnavailableException(name + ": " + ex.getMessage(), ex);
                }
            }
        }
    }

    /** The matched entries the ranges touch, one per part. */
    private Map<PartKey, DescEntry> partEntries(List<ByteRange> ranges) {
        Map<PartKey, DescEntry> out = new LinkedHashMap<>();
        for (ByteRange r : ranges) {
            for (int i = template.entryAt(r.first()); i < template.entryCount(); i++) {
                DescEntry e = template.entry(i);
                if (e.type().isImageInfo()) {
                    continue;
                }
                if (e.imageOffset() > r.last()) {
                    break;
                }
                if (e.type().isMatched() && e.length() > 0) {
                    out.putIfAbsent(PartKey.of(e), e);
                }
            }
        }
        return out;
    }
}
