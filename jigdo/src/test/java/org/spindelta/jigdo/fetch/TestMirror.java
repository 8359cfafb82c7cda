package org.spindelta.jigdo.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mirror on loopback for the get tests, over the JDK's HTTP server: serves a directory's files (with
 * single Range requests answered 206), counts requests per path, and misbehaves on request: every request
 * answered with a status, part bytes corrupted, or 500 after a number of successful part requests (a
 * mirror that dies mid-download).
 */
final class TestMirror implements AutoCloseable {
    enum Fault { NONE, STATUS_404, STATUS_500, CORRUPT, IGNORE_RANGE, TOO_LONG, HUGE_LENGTH, REDIRECT_LOOP, STALL }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

    private final HttpServer server;
    private final Path root;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final AtomicInteger served = new AtomicInteger();
    volatile Fault fault = Fault.NONE;
    /** Part requests (paths outside the top directory) answered before the mirror fails with 500; -1: never. */
    volatile int dieAfter = -1;
    /** Part requests that stall (half the body, then nothing for {@link #STALL_MILLIS}) under {@link Fault#STALL}. */
    final AtomicInteger stalls = new AtomicInteger(4);
    /** Closing the mirror interrupts a stall, so its length costs nothing when the client gives up on it. */
    static final long STALL_MILLIS = 120_000;
    /** Stalled exchanges that slept their whole {@link #STALL_MILLIS}: a client that waited the stall out. */
    final AtomicInteger stallsWaitedOut = new AtomicInteger();

    TestMirror(Path root) throws IOException {
        this.root = root;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newCachedThreadPool()); // stalled exchanges must not hold up others
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    int requests(String path) {
        return requests.getOrDefault(path, new AtomicInteger()).get();
    }

    /** Requests for files below a subdirectory: the parts. */
    int partRequests() {
        return requests.entrySet().stream().filter(e -> e.getKey().indexOf('/', 1) > 0)
                .mapToInt(e -> e.getValue().get()).sum();
    }

    void resetCounts() {
        requests.clear();
        served.set(0);
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            boolean part = path.indexOf('/', 1) > 0;
            Fault f = part ? fault : Fault.NONE;
            if (f == Fault.STATUS_404 || f == Fault.STATUS_500
                    || (part && dieAfter >= 0 && served.getAndIncrement() >= dieAfter)) {
                x.sendResponseHeaders(f == Fault.STATUS_404 ? 404 : 500, -1);
                return;
            }
            if (f == Fault.REDIRECT_LOOP) {
                x.getResponseHeaders().set("Location", path);
                x.sendResponseHeaders(302, -1);
                return;
            }
            Path file = root.resolve(path.substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                x.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file); // test files are small
            String range = x.getRequestHeaders().getFirst("Range");
            int status = 200;
            if (range != null && f != Fault.IGNORE_RANGE) {
                Matcher m = RANGE.matcher(range);
                if (!m.matches()) {
                    x.sendResponseHeaders(416, -1);
                    return;
                }
                int a = Integer.parseInt(m.group(1));
                int b = Math.min(Integer.parseInt(m.group(2)), body.length - 1);
                x.getResponseHeaders().set("Content-Range", "bytes " + a + "-" + b + "/" + body.length);
                body = java.util.Arrays.copyOfRange(body, a, b + 1);
                status = 206;
            }
            if (f == Fault.CORRUPT && body.length > 0) {
                body[body.length / 2] ^= 1;
            }
            if (f == Fault.HUGE_LENGTH) {
                x.sendResponseHeaders(status, 1L << 40);
                x.getResponseBody().write(body);
                return; // the exchange closes the connection short of its length
            }
            if (f == Fault.STALL && stalls.getAndDecrement() > 0) {
                x.sendResponseHeaders(status, body.length);
                OutputStream out = x.getResponseBody();
                out.write(body, 0, body.length / 2);
                out.flush();
                try {
                    Thread.sleep(STALL_MILLIS); // the client must give up long before
                    stallsWaitedOut.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (f == Fault.TOO_LONG) {
                body = java.util.Arrays.copyOf(body, body.length + 10);
                x.sendResponseHeaders(status, 0); // chunked: no Content-Length to refuse up front
            } else {
                x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            }
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
