package org.spindelta.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A static file server on loopback over the JDK's HTTP server, as a mirror publishes a pool: whole files,
 * and single Range requests answered 206 straight from the file. Counts requests and body bytes sent, and
 * misbehaves on request. {@code main(DIR [PORT])} serves a directory for the bench.
 */
final class PoolMirror implements AutoCloseable {
    enum Fault { NONE, IGNORE_RANGE, CORRUPT }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

    private final HttpServer server;
    private final Path root;
    final AtomicInteger rangeRequests = new AtomicInteger();
    final AtomicLong sent = new AtomicLong();
    volatile Fault fault = Fault.NONE;
    /** Range requests answered before every further one gets 404 (a mirror that goes away); -1: never. */
    volatile int dieAfter = -1;

    PoolMirror(Path root, int port) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            Path file = root.resolve(x.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                x.sendResponseHeaders(404, -1);
                return;
            }
            String range = x.getRequestHeaders().getFirst("Range");
            try (FileChannel ch = FileChannel.open(file)) {
                long from = 0;
                long to = ch.size();
                int status = 200;
                if (range != null && fault != Fault.IGNORE_RANGE) {
                    Matcher m = RANGE.matcher(range);
                    if (!m.matches()) {
                        x.sendResponseHeaders(416, -1);
                        return;
                    }
                    if (dieAfter >= 0 && rangeRequests.get() >= dieAfter) {
                        x.sendResponseHeaders(404, -1);
                        return;
                    }
                    rangeRequests.incrementAndGet();
                    from = Long.parseLong(m.group(1));
                    to = Math.min(Long.parseLong(m.group(2)) + 1, ch.size());
                    x.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + ch.size());
                    status = 206;
                }
                x.sendResponseHeaders(status, to - from == 0 ? -1 : to - from);
                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                try (OutputStream out = x.getResponseBody()) {
                    for (long p = from; p < to; ) {
                        buf.clear().limit((int) Math.min(buf.capacity(), to - p));
                        int n = ch.read(buf, p);
                        if (n <= 0) {
                            break;
                        }
                        if (fault == Fault.CORRUPT && p == from) {
                            buf.array()[0] ^= 1;
                        }
                        out.write(buf.array(), 0, n);
                        sent.addAndGet(n);
                        p += n;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    public static void main(String[] args) throws Exception {
        PoolMirror m = new PoolMirror(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 0);
        System.out.println(m.url());
        Thread.currentThread().join();
    }
}
