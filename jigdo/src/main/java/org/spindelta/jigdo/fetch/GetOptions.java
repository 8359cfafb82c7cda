package org.spindelta.jigdo.fetch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How {@code jigdo get} downloads: connections at once, attempts per mirror, the pause between them, and
 * when a connection counts as dead.
 *
 * @param connections parts downloaded at once, {@link #MIN_CONNECTIONS} to {@link #MAX_CONNECTIONS}
 * @param attempts tries of one part on one mirror before the next mirror, 1 to {@link #MAX_ATTEMPTS}
 * @param backoff pause after the first failed try on a mirror, doubled after each further one
 * @param timeout connect timeout, and the longest a response may send nothing (headers or body)
 * @param cache where verified parts and the template are kept between runs; empty: OUT + ".parts"
 */
public record GetOptions(int connections, int attempts, Duration backoff, Duration timeout, Optional<Path> cache) {
    public static final int MIN_CONNECTIONS = 1;
    /** More connections to one mirror than this is abuse, not speed. */
    public static final int MAX_CONNECTIONS = 32;
    public static final int DEFAULT_CONNECTIONS = 4;
    public static final int MAX_ATTEMPTS = 10;
    public static final int DEFAULT_ATTEMPTS = 3;
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The largest template downloaded (Debian's DVD templates are tens of MB). */
    public static final long MAX_TEMPLATE_BYTES = 1L << 30;
    /** The largest {@code .jigdo} file downloaded: the reader's own limit (64 MiB). */
    public static final long MAX_JIGDO_BYTES = 64L << 20;

    public GetOptions {
        if (connections < MIN_CONNECTIONS || connections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("--connections must be " + MIN_CONNECTIONS + " to " + MAX_CONNECTIONS
                    + ", not " + connections);
        }
        if (attempts < 1 || attempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("attempts per mirror must be 1 to " + MAX_ATTEMPTS + ", not " + attempts);
        }
        if (backoff.isNegative() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("backoff " + backoff + " and timeout " + timeout + " must be positive");
        }
    }

    public static GetOptions defaults() {
        return new GetOptions(DEFAULT_CONNECTIONS, DEFAULT_ATTEMPTS, DEFAULT_BACKOFF, DEFAULT_TIMEOUT, Optional.empty());
    }

    public GetOptions withConnections(int n) {
        return new GetOptions(n, attempts, backoff, timeout, cache);
    }

    public GetOptions withCache(Optional<Path> dir) {
        return new GetOptions(connections, attempts, backoff, timeout, dir);
    }

    public GetOptions withRetries(int attemptsPerMirror, Duration firstBackoff, Duration stallTimeout) {
        return new GetOptions(connections, attemptsPerMirror, firstBackoff, stallTimeout, cache);
    }
}
