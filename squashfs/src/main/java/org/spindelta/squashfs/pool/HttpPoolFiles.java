package org.spindelta.squashfs.pool;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.spindelta.core.LimitExceededException;
import org.spindelta.core.SpindeltaException;

/**
 * A pool published over HTTP(S), read with the JDK's {@link HttpClient}: whole files with {@code GET},
 * pack segments with {@code Range} requests, which must be answered {@code 206} with exactly the bytes
 * asked for (a server that ignores Range would send a whole pack: refused). Bodies are read only up to
 * the expected length. Failed requests (connection errors, 5xx) are tried again a few times.
 */
public final class HttpPoolFiles implements PoolFiles {
    /** Attempts per request: a mirror's transient failure should not end a long get. */
    static final int ATTEMPTS = 4;
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final HttpClient client;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    /** @param base the pool's URL (with or without a trailing slash) */
    public HttpPoolFiles(URI base) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(TIMEOUT)
                .build();
    }

    public static boolean isUrl(String pool) {
        return pool.startsWith("http://") || pool.startsWith("https://");
    }

    @Override
    public String location() {
        return base.toString();
    }

    /** Body bytes received so far. */
    public long received() {
        return received.get();
    }

    public long requests() {
        return requests.get();
    }

    @Override
    public byte[] read(String path, long max) throws IOException {
        return request(path, -1, (int) Math.min(max, Integer.MAX_VALUE - 8), max);
    }

    @Override
    public byte[] readRange(String path, long offset, int length) throws IOException {
        return request(path, offset, length, length);
    }

    private byte[] request(String path, long offset, int length, long max) throws IOException {
        URI uri = base.resolve(path);
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return once(uri, offset, length, max);
            } catch (SpindeltaException e) {
                throw e; // an answer that is wrong, not a failure to get one
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(200L << attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
            }
        }
        throw new SpindeltaException("cannot fetch " + uri + " after " + ATTEMPTS + " attempts: " + last.getMessage());
    }

    private byte[] once(URI uri, long offset, int length, long max) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET()
                .header("User-Agent", "spindelta-pool-get");
        if (offset >= 0) {
            req.header("Range", "bytes=" + offset + "-" + (offset + length - 1));
        }
        requests.incrementAndGet();
        HttpResponse<InputStream> resp;
        try {
            resp = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
        try (InputStream body = resp.body()) {
            int status = resp.statusCode();
            if (status == 404) {
                throw new SpindeltaException(uri + " does not exist");
            }
            if (status >= 500) {
                throw new IOException(uri + ": HTTP " + status);
            }
            if (offset >= 0) {
                if (status != 206) {
                    throw new SpindeltaException(uri + ": HTTP " + status + " to a Range request; the pool's server "
                            + "must answer Range requests with 206");
                }
                String range = resp.headers().firstValue("Content-Range").orElse("");
                if (!range.startsWith("bytes " + offset + "-" + (offset + length - 1) + "/")) {
                    throw new SpindeltaException(uri + ": asked for bytes " + offset + "-" + (offset + length - 1)
                            + ", got Content-Range \"" + PoolFormat.printable(range) + "\"");
                }
            } else if (status != 200) {
                throw new SpindeltaException(uri + ": HTTP " + status);
            }
            long declared = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > max) {
                throw new LimitExceededException(uri + " is " + declared + " bytes, over the limit " + max, declared,
                        max);
            }
            byte[] b = body.readNBytes((int) Math.min(max, declared >= 0 ? declared : max) + 1);
            received.addAndGet(b.length);
            if (b.length > max) {
                throw new LimitExceededException(uri + " is over the limit of " + max + " bytes", b.length, max);
            }
            if (offset >= 0 && b.length != length) {
                throw new IOException(uri + ": the response ended after " + b.length + " of " + length + " bytes");
            }
            return b;
        }
    }

    @Override
    public void close() {
    }
}
