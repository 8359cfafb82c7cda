package org.spindelta.jigdo.serve;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.spindelta.jigdo.rebuild.ByteRange;
import org.spindelta.jigdo.rebuild.ImageAssembler.ByteSink;

/**
 * An HTTP/1.1 server for the images of a {@link ServedDirectory}, built from their parts on the fly: GET and
 * HEAD of {@code /NAME} with Range (single, multiple as {@code multipart/byteranges}, 416 for unsatisfiable),
 * If-Range, If-None-Match, a strong ETag from the image's checksum and Last-Modified from its template; the
 * {@code .jigdo} and template files themselves; a listing page at {@code /}.
 *
 * <p>It is the JDK's own server ({@code com.sun.net.httpserver}, module jdk.httpserver): no dependency, a
 * small request parser with limits on header count and size, and it answers only what this class does. It
 * runs on a fixed pool of {@link ServeOptions#threads()} threads with a bounded queue: when both are full, a
 * new connection is closed at once rather than queued without limit. Bounds on slow or vanished clients: a
 * request header must arrive within the client timeout (the JDK's {@code sun.net.httpserver.maxReqTime}); a
 * response whose client stops taking bytes is cut after it ({@link StallWatchdog}); idle keep-alive
 * connections close after 30 s and at most {@link ServeOptions#maxConnections()} are open
 * ({@code jdk.httpserver.maxConnections}). These JDK settings are system properties read once per JVM: this
 * sets them, unless already set, before the first server starts. Memory: each busy thread holds one buffer
 * and an inflater, nothing else grows with the number or size of requests.
 */
public final class ImageServer implements AutoCloseable {
    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final StallWatchdog watchdog;
    private final ServedDirectory directory;

    private ImageServer(HttpServer server, ThreadPoolExecutor pool, StallWatchdog watchdog, ServedDirectory directory) {
        this.server = server;
        this.pool = pool;
        this.watchdog = watchdog;
        this.directory = directory;
    }

    /**
     * Starts serving {@code directory} on {@code o.address()}.
     *
     * @throws IOException if the address cannot be bound
     */
    public static ImageServer start(ServedDirectory directory, ServeOptions o) throws IOException {
        configureJdkServer(o);
        HttpServer s = HttpServer.create(o.address(), 0);
        AtomicInteger n = new AtomicInteger();
        BlockingQueue<Runnable> queue = o.queue() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(o.queue());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(o.threads(), o.threads(), 30, TimeUnit.SECONDS, queue, r -> {
            Thread t = new Thread(r, "jigdo-serve-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }); // AbortPolicy: a rejected connection is closed by the JDK server
        pool.allowCoreThreadTimeOut(true);
        StallWatchdog watchdog = new StallWatchdog(o.clientTimeout(), o.log());
        s.setExecutor(pool);
        s.createContext("/", new Handler(directory, watchdog, o));
        s.start();
        return new ImageServer(s, pool, watchdog, directory);
    }

    private static void configureJdkServer(ServeOptions o) {
        long seconds = Math.max(1, (o.clientTimeout().toMillis() + 999) / 1000);
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", Long.toString(seconds));
        System.getProperties().putIfAbsent("jdk.httpserver.maxConnections", Integer.toString(o.maxConnections()));
    }

    /** The address listened on (its port is the real one when 0 was asked). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public ServedDirectory directory() {
        return directory;
    }

    /** Stops listening, closes every connection (responses in progress are cut) and ends the threads. */
    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        watchdog.close();
    }

    private static final class Handler implements com.sun.net.httpserver.HttpHandler {
        /** Socket writes are marked for the watchdog at most this long, so its measure is of real stalls. */
        private static final int WRITE_CHUNK = 1 << 16;

        private final ServedDirectory directory;
        private final StallWatchdog watchdog;
        private final ServeOptions options;
        private final ThreadLocal<byte[]> buffers;

        Handler(ServedDirectory directory, StallWatchdog watchdog, ServeOptions options) {
            this.directory = directory;
            this.watchdog = watchdog;
            this.options = options;
            this.buffers = ThreadLocal.withInitial(() -> new byte[options.bufferSize()]);
        }

        @Override
        public void handle(HttpExchange x) {
            try {
                serve(x);
            } catch (IOException | RuntimeException e) {
                options.log().accept(x.getRequestMethod() + " " + x.getRequestURI().getRawPath() + " from "
                        + x.getRemoteAddress() + ": response cut: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            } finally {
                try {
                    x.close(); // an unfinished fixed-length body closes the connection: the client sees it short
                } catch (RuntimeException e) {
                    // already closed
                }
                Thread.interrupted(); // a watchdog interrupt must not outlive its response
            }
        }

        private void serve(HttpExchange x) throws IOException {
            String method = x.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                x.getResponseHeaders().set("Allow", "GET, HEAD");
                text(x, 405, "only GET and HEAD are served", head);
                return;
            }
            URI uri = x.getRequestURI();
            String path = uri.getPath();
            if (path == null || path.isEmpty() || path.equals("/")) {
                byte[] page = ListingPage.html(directory).getBytes(StandardCharsets.UTF_8);
                send(x, 200, "text/html; charset=utf-8", page, head);
                return;
            }
            String name = path.substring(1);
            ServedResource r = name.indexOf('/') >= 0 ? null : directory.get(name).orElse(null);
            if (r == null) {
                text(x, 404, "not found: " + path + " (see / for what is served)", head);
                return;
            }
            if (r instanceof ServedImage img && img.unavailable().isPresent()) {
                text(x, 503, r.name() + " is unavailable: " + img.unavailable().get(), head);
                return;
            }
            resource(x, r, head);
        }

        private void resource(HttpExchange x, ServedResource r, boolean head) throws IOException {
            Headers req = x.getRequestHeaders();
            Headers rsp = x.getResponseHeaders();
            long length = r.length();
            rsp.set("Accept-Ranges", "bytes");
            rsp.set("ETag", r.etag());
            rsp.set("Last-Modified", HttpDate.format(r.lastModified()));
            if (noneMatch(req.getFirst("If-None-Match"), r.etag())) {
                x.sendResponseHeaders(304, -1);
                return;
            }
            RangeHeader.Request want = RangeHeader.parse(rangeField(req, r, head), length);
            if (want instanceof RangeHeader.Unsatisfiable) {
                rsp.set("Content-Range", "bytes */" + length);
                text(x, 416, "range not satisfiable: " + r.name() + " has " + length + " bytes", head);
                return;
            }
            List<ByteRange> ranges = want instanceof RangeHeader.Ranges rs ? rs.ranges()
                    : length == 0 ? List.of() : List.of(new ByteRange(0, length - 1));
            byte[] buf = buffers.get();
            ServedResource.Body body;
            try {
                body = r.open(ranges, buf);
            } catch (UnavailableException e) {
                options.log().accept("503 for " + r.name() + ": " + e.getMessage());
                rsp.remove("Accept-Ranges");
                rsp.remove("ETag");
                rsp.remove("Last-Modified");
                text(x, 503, e.getMessage(), head);
                return;
            }
            try (body) {
                int status;
                long bodyLength;
                Multipart multi = null;
                if (want instanceof RangeHeader.Ranges rs && rs.ranges().size() > 1) {
                    multi = new Multipart(ranges, r.contentType(), length);
                    status = 206;
                    bodyLength = multi.bodyLength();
                    rsp.set("Content-Type", multi.contentType());
                } else if (want instanceof RangeHeader.Ranges) {
                    ByteRange only = ranges.get(0);
                    status = 206;
                    bodyLength = only.length();
                    rsp.set("Content-Type", r.contentType());
                    rsp.set("Content-Range", "bytes " + only.first() + "-" + only.last() + "/" + length);
                } else {
                    status = 200;
                    bodyLength = length;
                    rsp.set("Content-Type", r.contentType());
                }
                if (head) {
                    rsp.set("Content-Length", Long.toString(bodyLength));
                    x.sendResponseHeaders(status, -1);
                    return;
                }
                x.sendResponseHeaders(status, bodyLength == 0 ? -1 : bodyLength);
                OutputStream out = x.getResponseBody();
                ByteSink sink = (b, off, n) -> write(out, b, off, n);
                if (multi == null) {
                    for (ByteRange range : ranges) {
                        body.write(range, sink);
                    }
                } else {
                    for (int i = 0; i < ranges.size(); i++) {
                        byte[] h = multi.head(i);
                        sink.write(h, 0, h.length);
                        body.write(ranges.get(i), sink);
                        byte[] a = Multipart.afterPart();
                        sink.write(a, 0, a.length);
                    }
                    byte[] t = multi.tail();
                    sink.write(t, 0, t.length);
                }
                out.flush();
            }
        }

        /**
         * The Range field to honour: none for HEAD (RFC 9110 section 14.2: range handling is defined for GET
         * only), for several Range fields, or when If-Range does not match (section 13.1.5).
         */
        private static String rangeField(Headers req, ServedResource r, boolean head) {
            List<String> range = req.get("Range");
            if (head || range == null || range.size() != 1) {
                return null;
            }
            String ifRange = req.getFirst("If-Range");
            if (ifRange != null && !ifRangeHolds(ifRange.strip(), r)) {
                return null;
            }
            return range.get(0);
        }

        /** An entity tag must match strongly; a date must be exactly the Last-Modified sent. */
        private static boolean ifRangeHolds(String v, ServedResource r) {
            if (v.startsWith("\"") || v.startsWith("W/")) {
                return v.equals(r.etag());
            }
            OptionalLong date = HttpDate.parse(v);
            return date.isPresent() && date.getAsLong() / 1000 == r.lastModified() / 1000;
        }

        /** If-None-Match: {@code *} or a list of tags, compared weakly (RFC 9110 section 13.1.2). */
        private static boolean noneMatch(String field, String etag) {
            if (field == null) {
                return false;
            }
            for (String tag : field.split(",")) {
                String t = tag.strip();
                if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
                    return true;
                }
            }
            return false;
        }

        private void write(OutputStream out, byte[] b, int off, int len) throws IOException {
            for (int done = 0; done < len; ) {
                int n = Math.min(WRITE_CHUNK, len - done);
                watchdog.beginWrite();
                try {
                    out.write(b, off + done, n);
                } finally {
                    watchdog.endWrite();
                }
                done += n;
            }
        }

        private static void text(HttpExchange x, int status, String message, boolean head) throws IOException {
            send(x, status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8), head);
        }

        private static void send(HttpExchange x, int status, String type, byte[] body, boolean head) throws IOException {
            x.getResponseHeaders().set("Content-Type", type);
            if (head) {
                x.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
                x.sendResponseHeaders(status, -1);
                return;
            }
            x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "http://%s:%d/", address().getHostString(), address().getPort());
    }
}
