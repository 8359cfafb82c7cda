package org.spindelta.jigdo.serve;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;
import org.spindelta.jigdo.rebuild.PartSources;

/**
 * How {@link ImageServer} runs.
 *
 * @param address where to listen (port 0: any free port)
 * @param threads requests handled at once: each holds one {@link #bufferSize()} buffer, a zlib inflater and
 *     its 64 KiB input buffer (about 0.4 MiB at the default buffer), so memory is bounded by this, whatever the
 *     number of clients
 * @param queue requests accepted and waiting for a thread; beyond it new connections are closed at once
 * @param maxConnections open connections (busy, queued and idle keep-alive ones) beyond which new ones are
 *     closed at once
 * @param clientTimeout a response whose client takes no bytes for this long is cut (the thread is freed),
 *     as is a request whose header has not arrived in this time
 * @param verifyBeforeHeaders unverified part bytes a response may hash before sending its status line (so a
 *     bad part is a clean 503); above it parts are hashed as the body reaches them and a bad one cuts the
 *     connection
 * @param verifyAtStart hash every part of every image before serving
 * @param sources where parts are, besides the {@code .jigdo} files' own locations
 * @param log one line per event worth an operator's attention (cut responses, parts failing checks)
 */
public record ServeOptions(InetSocketAddress address, int threads, int queue, int maxConnections, Duration clientTimeout,
        long verifyBeforeHeaders, boolean verifyAtStart, PartSources sources, int bufferSize, Consumer<String> log) {
    public static final int DEFAULT_THREADS = 32;
    public static final int MIN_THREADS = 1;
    public static final int MAX_THREADS = 1024;
    /** 256 KiB: whole socket sends, few system calls; 32 threads hold 8 MiB of them. */
    public static final int DEFAULT_BUFFER_SIZE = 1 << 18;
    public static final Duration DEFAULT_CLIENT_TIMEOUT = Duration.ofSeconds(60);
    /** 256 MiB: about a second of hashing before the first byte; larger parts are checked as they are sent. */
    public static final long DEFAULT_VERIFY_BEFORE_HEADERS = 256L << 20;

    public ServeOptions {
        if (threads < MIN_THREADS || threads > MAX_THREADS) {
            throw new IllegalArgumentException("--threads " + threads + ": must be " + MIN_THREADS + " to " + MAX_THREADS);
        }
        if (queue < 0 || maxConnections < 1 || bufferSize < 4096 || clientTimeout.isNegative() || clientTimeout.isZero()
                || verifyBeforeHeaders < 0) {
            throw new IllegalArgumentException("bad server options: queue " + queue + ", max connections " + maxConnections
                    + ", buffer " + bufferSize + ", client timeout " + clientTimeout + ", verify before headers "
                    + verifyBeforeHeaders);
        }
    }

    /** The defaults, listening on {@code address}: queue and connection limits follow the threads. */
    public static ServeOptions defaults(InetSocketAddress address, int threads, PartSources sources, Consumer<String> log) {
        return new ServeOptions(address, threads, 4 * threads, Math.max(256, 8 * threads), DEFAULT_CLIENT_TIMEOUT,
                DEFAULT_VERIFY_BEFORE_HEADERS, false, sources, DEFAULT_BUFFER_SIZE, log);
    }

    public ServeOptions withClientTimeout(Duration d) {
        return new ServeOptions(address, threads, queue, maxConnections, d, verifyBeforeHeaders, verifyAtStart, sources,
                bufferSize, log);
    }

    public ServeOptions withVerifyBeforeHeaders(long bytes) {
        return new ServeOptions(address, threads, queue, maxConnections, clientTimeout, bytes, verifyAtStart, sources,
                bufferSize, log);
    }

    public ServeOptions withVerifyAtStart(boolean v) {
        return new ServeOptions(address, threads, queue, maxConnections, clientTimeout, verifyBeforeHeaders, v, sources,
                bufferSize, log);
    }
}
