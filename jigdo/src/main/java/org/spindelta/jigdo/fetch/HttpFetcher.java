package org.spindelta.jigdo.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.spindelta.jigdo.format.RangeLocation;

/**
 * Downloads one URL (or a byte range of it) into a file, streaming through a 64 KiB buffer while the bytes
 * are hashed: never more than the length asked for, never a whole part in memory. Built on the JDK's
 * {@link HttpClient} (HTTP/1.1 and 2, TLS, redirects capped at the JDK's limit of 5, connection reuse)
 * so the jigdo module needs no HTTP dependency. {@code file:} URLs are read directly.
 *
 * <p>A response must be {@code 200} for a whole file and {@code 206} with exactly the asked
 * {@code Content-Range} for a range (a {@code 200} there would be the whole base image: refused); its
 * {@code Content-Length}, when sent, must be the expected length; a body longer than expected is cut off
 * and refused. A response that sends nothing for {@code timeout} is abandoned.
 */
public final class HttpFetcher implements AutoCloseable {
    private static final int BUFFER = 64 << 10;
    /** The JDK's default {@code jdk.httpclient.redirects.retrylimit}: a redirect loop ends with the last 3xx. */
    static final int MAX_REDIRECTS = 5;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");

    private final HttpClient client;
    private final Duration timeout;
    private final ScheduledExecutorService watchdog;

    public HttpFetcher(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(timeout).build();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jigdo-get-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Writes the bytes at {@code uri} (only {@code range} of them, if given) to {@code to}, feeding
     * {@code digest} and {@code progress}.
     *
     * @param length the exact length expected, or empty for any length up to {@code max}
     * @return the number of bytes written
     * @throws FetchException naming the URL and what was wrong
     */
    public long fetch(URI uri, Optional<RangeLocation> range, OptionalLong length, long max, Path to,
            MessageDigest digest, LongConsumer progress) throws FetchException {
        try {
            if ("file".equalsIgnoreCase(uri.getScheme())) {
                return fetchFile(uri, range, length, max, to, digest, progress);
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                    .header("User-Agent", "spindelta-jigdo-get");
            range.ifPresent(r -> req.header("Range", "bytes=" + r.first() + "-" + (r.end() - 1)));
            HttpResponse<InputStream> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = resp.body()) {
                check(uri, resp, range, length, max);
                return copy(uri, body, length, max, to, digest, progress);
            }
        } catch (HttpTimeoutException e) {
            throw new FetchException(uri + ": no response in " + timeout.toSeconds() + " s", e);
        } catch (FetchException e) {
            throw e;
        } catch (IOException e) {
            throw new FetchException(uri + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException(uri + ": interrupted", true);
        } catch (IllegalArgumentException e) {
            throw new FetchException(uri + ": " + e.getMessage(), true);
        }
    }

    private static void check(URI uri, HttpResponse<?> resp, Optional<RangeLocation> range, OptionalLong length, long max)
            throws FetchException {
        int status = resp.statusCode();
        if (status >= 300 && status < 400) {
            throw new FetchException(uri + ": HTTP " + status + " after " + MAX_REDIRECTS
                    + " redirects (a loop, or to a different scheme)", true);
        }
        if (range.isEmpty() && status != 200) {
            throw new FetchException(uri + ": HTTP " + status + ", not 200", status >= 300 && status < 500 && status != 408 && status != 429);
        }
        if (range.isPresent()) {
            RangeLocation r = range.get();
            if (status == 200) {
                throw new FetchException(uri + ": HTTP 200 (the whole file) to a request for bytes " + r.first() + "-"
                        + (r.end() - 1) + "; the mirror does not serve ranges", true);
            }
            if (status != 206) {
                throw new FetchException(uri + ": HTTP " + status + ", not 206", status >= 300 && status < 500
                        && status != 408 && status != 429);
            }
            String cr = resp.headers().firstValue("Content-Range").orElse("");
            Matcher m = CONTENT_RANGE.matcher(cr);
            if (!m.matches() || Long.parseLong(m.group(1)) != r.first() || Long.parseLong(m.group(2)) != r.end() - 1) {
                throw new FetchException(uri + ": Content-Range '" + cr + "' is not bytes " + r.first() + "-" + (r.end() - 1), true);
            }
        }
        OptionalLong cl = resp.headers().firstValueAsLong("Content-Length");
        if (cl.isPresent()) {
            if (length.isPresent() && cl.getAsLong() != length.getAsLong()) {
                throw new FetchException(uri + ": Content-Length " + cl.getAsLong() + " but the part has "
                        + length.getAsLong() + " bytes", true);
            }
            if (cl.getAsLong() > max) {
                throw new FetchException(uri + ": Content-Length " + cl.getAsLong() + " is over the limit of " + max
                        + " bytes", true);
            }
        }
    }

    private long fetchFile(URI uri, Optional<RangeLocation> range, OptionalLong length, long max, Path to,
            MessageDigest digest, LongConsumer progress) throws IOException {
        Path p = Path.of(uri);
        if (!Files.isRegularFile(p)) {
            throw new FetchException(uri + ": no such file", true);
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long first = range.map(RangeLocation::first).orElse(0L);
            if (range.isPresent() && ch.size() < range.get().end()) {
                throw new FetchException(uri + ": has " + ch.size() + " bytes, too few for bytes " + first + "-"
                        + (range.get().end() - 1), true);
            }
            ch.position(first);
            return copy(uri, Channels.newInputStream(ch), length, max, to, digest, progress);
        }
    }

    /** Copies at most the expected length (or {@code max}) plus one byte, to see a body that is too long. */
    private long copy(URI uri, InputStream in, OptionalLong length, long max, Path to, MessageDigest digest,
            LongConsumer progress) throws IOException {
        long limit = length.isPresent() ? length.getAsLong() : max;
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        long stallNanos = timeout.toNanos();
        ScheduledFuture<?> guard = watchdog.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastProgress.get() > stallNanos) {
                try {
                    in.close(); // unblocks the read below, which then fails
                } catch (IOException e) {
                    // closing is all we can do
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
        long n = 0;
        try (OutputStream out = Files.newOutputStream(to, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[BUFFER];
            while (true) {
                int want = (int) Math.min(buf.length, limit + 1 - n);
                int r;
                try {
                    r = in.read(buf, 0, want);
                } catch (IOException e) {
                    if (System.nanoTime() - lastProgress.get() > stallNanos) {
                        throw new FetchException(uri + ": nothing received for " + timeout.toSeconds() + " s after "
                                + n + " bytes", e);
                    }
                    throw e;
                }
                if (r < 0) {
                    break;
                }
                lastProgress.set(System.nanoTime());
                if (n + r > limit) {
                    throw new FetchException(uri + ": sent more than " + (length.isPresent() ? "the part's " + limit
                            + " bytes" : "the limit of " + limit + " bytes"), true);
                }
                out.write(buf, 0, r);
                digest.update(buf, 0, r);
                n += r;
                progress.accept(r);
            }
        } finally {
            guard.cancel(false);
        }
        if (length.isPresent() && n != length.getAsLong()) {
            throw new FetchException(uri + ": ended after " + n + " of " + length.getAsLong() + " bytes", false);
        }
        return n;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
