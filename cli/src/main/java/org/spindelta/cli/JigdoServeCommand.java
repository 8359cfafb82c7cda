package org.spindelta.cli;

import java.io.PrintWriter;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.spindelta.core.SpindeltaException;
import org.spindelta.jigdo.rebuild.PartSources;
import org.spindelta.jigdo.serve.ImageServer;
import org.spindelta.jigdo.serve.PartVerifier;
import org.spindelta.jigdo.serve.ServeOptions;
import org.spindelta.jigdo.serve.ServedDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code spindelta jigdo serve DIR}: serves the images the {@code .jigdo} files and templates in DIR describe,
 * built from their parts on the fly, until Ctrl-C (or, in tests, until the thread is interrupted).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve over HTTP the images the .jigdo files and templates directly in DIR describe, built "
                + "from their parts on the fly (GET, HEAD, single and multiple ranges, If-Range, ETag from the image "
                + "checksum), with a listing at / and the .jigdo and template files themselves.",
            "Every part is hashed once, before any of its bytes is sent; an image missing parts is listed as "
                    + "unavailable. Ctrl-C stops the server."})
final class JigdoServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "DIR", description = "The directory of .jigdo and .template files.")
    Path dir;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
            description = "TCP port (default ${DEFAULT-VALUE}; 0: any free port, printed).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 or :: for every interface).")
    String bind;

    @Option(names = "--source", paramLabel = "LABEL=DIR|DIR|FILE",
            description = {"Where parts are, besides the .jigdo files' [Parts]/[Servers] locations: LABEL=DIR maps a "
                + "label (before [Servers]); a DIR is searched for files of the needed sizes and checksums; a FILE "
                + "is a candidate part. Repeatable."})
    List<String> sources = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N", defaultValue = "" + ServeOptions.DEFAULT_THREADS,
            description = "Requests served at once (default ${DEFAULT-VALUE}; each holds ~0.4 MiB); more wait in a "
                    + "queue of 4 per thread, beyond which connections are closed.")
    int threads;

    @Option(names = "--client-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Cut a client that sends no request header, or takes no response bytes, for this long "
                    + "(default ${DEFAULT-VALUE}).")
    int clientTimeout;

    @Option(names = "--verify-at-start",
            description = "Hash every part of every image before serving (default: each part on first use).")
    boolean verifyAtStart;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port " + port + ": must be 0 to 65535");
        }
        if (clientTimeout < 1) {
            throw new IllegalArgumentException("--client-timeout " + clientTimeout + ": must be at least 1 second");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--bind " + bind + ": not an address of this machine");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServeOptions o = ServeOptions.defaults(new InetSocketAddress(address, port), threads, PartSources.parse(sources),
                line -> {
                    synchronized (err) {
                        err.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
                        err.flush();
                    }
                })
                .withClientTimeout(Duration.ofSeconds(clientTimeout)).withVerifyAtStart(verifyAtStart);
        ServedDirectory d = ServedDirectory.scan(dir, o, new PartVerifier());
        for (String n : d.notices()) {
            err.println("spindelta: " + n);
        }
        err.flush();
        ImageServer server;
        try {
            server = ImageServer.start(d, o);
        } catch (BindException e) {
            throw new SpindeltaException("cannot listen on " + bind + " port " + port + ": " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "jigdo-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        List<String> urls = urls(address, server.address().getPort());
        // one write: whoever reads the URL line (a script, a test) also has the listing of what is served
        StringBuilder banner = new StringBuilder("serving " + d.dir() + " at " + String.join(" ", urls)
                + " (Ctrl-C stops)" + System.lineSeparator());
        for (String line : d.describe()) {
            banner.append("  ").append(line).append(System.lineSeparator());
        }
        out.print(banner);
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            server.close();
        }
        return 0;
    }

    /** {@code http://ADDR:PORT/} for the address, or for each address of this machine if it is a wildcard. */
    private static List<String> urls(InetAddress bound, int port) throws SocketException {
        List<InetAddress> addrs = new ArrayList<>();
        if (bound.isAnyLocalAddress()) {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if ((bound instanceof Inet6Address || !(a instanceof Inet6Address)) && !a.isLinkLocalAddress()) {
                        addrs.add(a);
                    }
                }
            }
        }
        if (addrs.isEmpty()) {
            addrs.add(bound);
        }
        List<String> out = new ArrayList<>();
        for (InetAddress a : addrs) {
            String host = a.getHostAddress();
            int scope = host.indexOf('%');
            if (scope >= 0) {
                host = host.substring(0, scope);
            }
            out.add("http://" + (a instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port + "/");
        }
        return out;
    }
}
