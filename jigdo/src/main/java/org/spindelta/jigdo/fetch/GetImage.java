package org.spindelta.jigdo.fetch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.spindelta.core.InputFile;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.StagedOutput;
import org.spindelta.core.VerificationException;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.format.JigdoBase64;
import org.spindelta.jigdo.format.JigdoFile;
import org.spindelta.jigdo.format.JigdoFileReader;
import org.spindelta.jigdo.rebuild.ImageAssembler;
import org.spindelta.jigdo.rebuild.PartFile;
import org.spindelta.jigdo.rebuild.PartKey;
import org.spindelta.jigdo.rebuild.PartSources;
import org.spindelta.jigdo.rebuild.RebuildInput;

/**
 * {@code jigdo get} end to end: read the {@code .jigdo} file (a URL or a file), fetch and verify the
 * template, take every part that is local ({@code --source}, {@code [Servers]} {@code file:} entries, the
 * cache of earlier runs), download the rest from the mirrors into the {@link PartCache} on
 * {@link GetOptions#connections()} threads (each part verified before it is kept; retries with backoff,
 * then the next mirror), and build the image with {@link ImageAssembler} into a temporary file beside OUT,
 * renamed only when the image's checksum is the template's. The default cache ({@code OUT.parts}) is removed
 * once the image is in place; a {@code --cache} directory is kept, for the next image of the series.
 */
public final class GetImage {
    /** What a run did: the image, and how many parts and bytes came from where. */
    public record Result(Path out, long length, byte[] checksum, int localParts, long localBytes, int cachedParts,
            long cachedBytes, int downloadedParts, long downloadedBytes) {}

    private final String source;
    private final JigdoFile jigdo;
    private final byte[] jigdoBytes;
    private final Optional<URI> jigdoUri;

    private GetImage(String source, JigdoFile jigdo, byte[] jigdoBytes, Optional<URI> jigdoUri) {
        this.source = source;
        this.jigdo = jigdo;
        this.jigdoBytes = jigdoBytes;
        this.jigdoUri = jigdoUri;
    }

    /**
     * Reads the {@code .jigdo} file {@code source}: an {@code http(s)://} URL or a file (plain or gzip).
     *
     * @throws SpindeltaException if it cannot be fetched or is not a {@code .jigdo} file
     */
    public static GetImage open(String source, GetOptions options) throws IOException {
        byte[] bytes;
        Optional<URI> uri = Optional.empty();
        String l = source.toLowerCase(java.util.Locale.ROOT);
        if (l.startsWith("http://") || l.startsWith("https://")) {
            uri = Optional.of(URI.create(source));
            Path tmp = Files.createTempFile("spindelta-get-", ".jigdo");
            try (HttpFetcher f = new HttpFetcher(options.timeout())) {
                f.fetch(uri.get(), Optional.empty(), OptionalLong.empty(), GetOptions.MAX_JIGDO_BYTES, tmp,
                        ChecksumKind.MD5.newDigest(), n -> {});
                bytes = Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } else {
            Path p = Path.of(source);
            long size;
            try (java.nio.channels.FileChannel ch = InputFile.open(p, "JIGDO")) {
                size = ch.size();
            }
            if (size > GetOptions.MAX_JIGDO_BYTES) {
                throw new SpindeltaException(source + ": over the limit of " + GetOptions.MAX_JIGDO_BYTES + " bytes for a .jigdo file");
            }
            bytes = Files.readAllBytes(p);
        }
        JigdoFile j;
        try {
            j = JigdoFileReader.read(new ByteArrayInputStream(bytes), JigdoFileReader.DEFAULT_MAX_BYTES);
        } catch (SpindeltaException e) {
            throw new SpindeltaException(source + ": " + e.getMessage(), e);
        }
        return new GetImage(source, j, bytes, uri);
    }

    public JigdoFile jigdo() {
        return jigdo;
    }

    /**
     * {@code [Image] Filename}, as the default OUT in the current directory.
     *
     * @throws SpindeltaException if absent, or a path rather than a plain name
     */
    public String imageFilename() throws IOException {
        String name = jigdo.image("Filename").orElseThrow(() -> new SpindeltaException(source
                + ": [Image] has no Filename; name the output with -o"));
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")
                || name.startsWith(".")) {
            throw new SpindeltaException(source + ": [Image] Filename '" + name
                    + "' is not a plain file name; name the output with -o");
        }
        return name;
    }

    /**
     * Gets the image into {@code out}.
     *
     * @throws PartsUnavailableException if parts were on no mirror (nothing at OUT, the cache kept)
     * @throws VerificationException if the template or the image has the wrong checksum
     */
    public Result run(Path out, PartSources sources, GetOptions options, Progress progress) throws IOException {
        Path cacheDir = options.cache().orElse(out.resolveSibling(out.getFileName() + ".parts"));
        PartCache cache = PartCache.open(cacheDir);
        try (HttpFetcher fetcher = new HttpFetcher(options.timeout())) {
            Path templateFile = template(cache, fetcher, progress);
            // RebuildInput needs the .jigdo as a file; relative file: locations stay relative to where it came from
            Path jigdoFile = jigdoUri.isPresent() ? cacheDir.resolve(PartCache.JIGDO_NAME) : Path.of(source);
            if (jigdoUri.isPresent()) {
                Files.write(jigdoFile, jigdoBytes);
            }
            try (RebuildInput in = RebuildInput.open(jigdoFile, Optional.of(templateFile))) {
                InputFile.refuseAsOutput(out, in.input(), in.templatePath());
                List<PartKey> needed = new ArrayList<>(ImageAssembler.needed(in.template()));
                Map<PartKey, PartFile> parts = new LinkedHashMap<>();
                long[] cached = {0, 0};
                for (PartKey k : needed) {
                    Optional<PartFile> c = cache.get(k);
                    if (c.isPresent()) {
                        parts.put(k, c.get());
                        cached[0]++;
                        cached[1] += k.length();
                    }
                }
                List<PartKey> notCached = needed.stream().filter(k -> !parts.containsKey(k)).toList();
                Map<PartKey, PartFile> local = verified(in.locator(sources).locateAvailable(notCached, progress),
                        in.template().checksumKind(), progress);
                parts.putAll(local);
                long localBytes = local.keySet().stream().mapToLong(PartKey::length).sum();
                List<PartKey> missing = needed.stream().filter(k -> !parts.containsKey(k)).toList();
                long downloaded = download(missing, in.template().checksumKind(), cache, fetcher, options, parts, progress);
                try (StagedOutput staged = StagedOutput.create(out)) {
                    ImageAssembler.Result r = ImageAssembler.assemble(in.channel(), in.template(), parts, staged.channel(),
                            progress);
                    staged.commit();
                    if (options.cache().isEmpty()) {
                        cache.deleteOwnFiles(); // the image is verified: the parts it was made of are in it
                    }
                    return new Result(out, r.length(), r.checksum(), local.size(), localBytes, (int) cached[0], cached[1],
                            missing.size(), downloaded);
                }
            }
        }
    }

    /**
     * The local parts whose bytes have the part's checksum. The locator settles a unique size without
     * reading the file; make-image then fails on a wrong one, but get can still download it, so each is
     * hashed here (local parts are read twice: once here, once into the image).
     */
    private static Map<PartKey, PartFile> verified(Map<PartKey, PartFile> found, ChecksumKind kind, Progress progress)
            throws IOException {
        progress.start("check local parts", found.keySet().stream().mapToLong(PartKey::length).sum());
        Map<PartKey, PartFile> ok = new LinkedHashMap<>();
        for (Map.Entry<PartKey, PartFile> e : found.entrySet()) {
            PartKey k = e.getKey();
            PartFile f = e.getValue();
            try (java.nio.channels.FileChannel ch = InputFile.open(f.file(), "part")) {
                if ((f.whole() ? ch.size() == k.length() : ch.size() - f.offset() >= k.length())
                        && JigdoBase64.encode(org.spindelta.core.FileDigest.of(ch, f.offset(), k.length(), kind.newDigest(),
                                progress)).equals(k.checksum())) {
                    ok.put(k, f);
                }
            } catch (IOException ex) {
                // an unreadable local file is not a source; the part is downloaded
            }
        }
        return ok;
    }

    /** The template in the cache, downloaded (or copied) and verified there unless an earlier run did. */
    private Path template(PartCache cache, HttpFetcher fetcher, Progress progress) throws IOException {
        String t = jigdo.image("Template").orElseThrow(() -> new SpindeltaException(source
                + ": [Image] has no Template entry"));
        ChecksumKind kind = null;
        byte[] want = null;
        for (ChecksumKind k : ChecksumKind.values()) {
            Optional<byte[]> w = jigdo.templateChecksum(k);
            if (w.isPresent()) {
                kind = k;
                want = w.get();
            }
        }
        URI uri = templateUri(t);
        if (kind == null) {
            throw new SpindeltaException(source + ": [Image] has no Template-MD5Sum or Template-SHA256Sum to check the "
                    + "template " + t + " against");
        }
        Path keep = cache.named(JigdoBase64.encode(want), ".template");
        if (Files.isRegularFile(keep)) {
            return keep; // verified when it was kept, and again by RebuildInput
        }
        Path tmp = cache.newTemp("template");
        MessageDigest md = kind.newDigest();
        progress.start("template", 0);
        fetcher.fetch(uri, Optional.empty(), OptionalLong.empty(), GetOptions.MAX_TEMPLATE_BYTES, tmp, md, n -> {});
        byte[] got = md.digest();
        if (!Sha256.equal(got, want)) {
            Files.deleteIfExists(tmp);
            throw new VerificationException("template " + uri + " has " + kind.label() + " " + Sha256.hex(got)
                    + " but the .jigdo file's " + kind.templateKey() + " says " + Sha256.hex(want));
        }
        cache.keep(tmp, keep);
        return keep;
    }

    private URI templateUri(String t) throws SpindeltaException {
        try {
            if (jigdoUri.isPresent()) {
                return jigdoUri.get().resolve(new URI(null, null, t, null));
            }
            URI u = new URI(null, null, t, null);
            if (t.contains("://")) {
                return URI.create(t);
            }
            Path dir = Optional.ofNullable(Path.of(source).toAbsolutePath().getParent()).orElse(Path.of("/"));
            return u.getPath().startsWith("/") ? Path.of(t).toUri() : dir.resolve(t).toUri();
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new SpindeltaException(source + ": [Image] Template '" + t + "' is not a URL or path: " + e.getMessage());
        }
    }

    /** Downloads {@code missing} into the cache; returns the bytes downloaded. */
    private long download(List<PartKey> missing, ChecksumKind kind, PartCache cache, HttpFetcher fetcher,
            GetOptions options, Map<PartKey, PartFile> parts, Progress progress) throws IOException {
        if (missing.isEmpty()) {
            return 0;
        }
        MirrorList mirrors = new MirrorList(jigdo.servers());
        Map<String, List<String>> locations = jigdo.parts();
        progress.start("download " + missing.size() + " parts", missing.stream().mapToLong(PartKey::length).sum());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Map<PartKey, PartFile> got = Collections.synchronizedMap(new LinkedHashMap<>());
        AtomicLong bytes = new AtomicLong();
        AtomicInteger done = new AtomicInteger();
        if (progress instanceof PartsProgress pp) {
            pp.parts(0, missing.size());
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.connections(), missing.size()), r -> {
            Thread th = new Thread(r, "jigdo-get");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (PartKey k : missing) {
                List<String> at = locations.getOrDefault(k.checksum(), List.of());
                jobs.add(pool.submit(() -> {
                    try {
                        got.put(k, one(k, mirrors.sources(at), kind, cache, fetcher, options, progress));
                        bytes.addAndGet(k.length());
                        if (progress instanceof PartsProgress pp) {
                            pp.parts(done.incrementAndGet(), missing.size());
                        }
                    } catch (IOException e) {
                        failures.add((at.isEmpty() ? kind.partLabel() + ":" + k.checksum() : at.get(0)) + " ("
                                + k.length() + " bytes): " + e.getMessage());
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SpindeltaException("interrupted; verified parts are kept in " + cache.dir());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (!failures.isEmpty()) {
            List<String> sorted = new ArrayList<>(failures);
            Collections.sort(sorted);
            throw new PartsUnavailableException(sorted, cache.dir().toString());
        }
        parts.putAll(got);
        return bytes.get();
    }

    /** One part: each mirror in order, each tried {@link GetOptions#attempts()} times with backoff. */
    private static PartFile one(PartKey k, List<MirrorList.Source> sources, ChecksumKind kind, PartCache cache,
            HttpFetcher fetcher, GetOptions options, Progress progress) throws IOException {
        if (sources.isEmpty()) {
            throw new SpindeltaException("no mirror in [Servers] and no local file has it");
        }
        IOException last = null;
        for (MirrorList.Source s : sources) {
            long pause = options.backoff().toMillis();
            for (int attempt = 0; attempt < options.attempts(); attempt++) {
                Path tmp = cache.newTemp(k.checksum());
                AtomicLong sent = new AtomicLong();
                boolean accepted = false;
                try {
                    MessageDigest md = kind.newDigest();
                    fetcher.fetch(s.uri(), s.range(), OptionalLong.of(k.length()), k.length(), tmp, md, n -> {
                        sent.addAndGet(n);
                        progress.advance(n);
                    });
                    PartFile p = cache.accept(k, tmp, md.digest(), s.toString());
                    accepted = true;
                    return p;
                } catch (FetchException e) {
                    last = e;
                    if (e.isFinal()) {
                        break;
                    }
                } catch (VerificationException e) {
                    last = e;
                } finally {
                    if (!accepted) {
                        progress.advance(-sent.get()); // the bar counts each part's bytes once, retries or not
                    }
                    Files.deleteIfExists(tmp);
                }
                if (attempt + 1 < options.attempts()) {
                    try {
                        Thread.sleep(pause);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SpindeltaException("interrupted");
                    }
                    pause *= 2;
                }
            }
        }
        throw last;
    }
}
