package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spindelta.core.Progress;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.format.JigdoFile;
import org.spindelta.jigdo.template.ImageLayout;
import org.spindelta.jigdo.template.ImagePiece;
import org.spindelta.jigdo.template.ImageTemplateWriter;
import org.spindelta.jigdo.template.JigdoFileWriter;
import org.spindelta.jigdo.template.TemplateOptions;

/**
 * {@code spindelta jigdo get} as a user runs it: from a URL into the current directory, killed in the middle
 * of the download and run again (a subprocess destroyed while the mirror stalls), and failing in one line.
 */
class JigdoGetCommandTest {
    private static final int PARTS = 24;

    @TempDir
    Path dir;

    /**
     * A mirror on loopback serving {@code www}: counts part requests (paths below {@code /parts/}); after
     * {@code stallAfter} of them it holds every further part request until released.
     */
    static final class Mirror implements AutoCloseable {
        final HttpServer server;
        final AtomicInteger partRequests = new AtomicInteger();
        volatile int stallAfter = -1;
        volatile boolean notFound;
        final CountDownLatch release = new CountDownLatch(1);

        Mirror(Path www) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", x -> handle(www, x));
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        }

        private void handle(Path www, HttpExchange x) throws IOException {
            try (x) {
                String path = x.getRequestURI().getPath();
                if (path.startsWith("/parts/")) {
                    int n = partRequests.incrementAndGet();
                    if (stallAfter >= 0 && n > stallAfter) {
                        try {
                            release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return;
                    }
                    if (notFound) {
                        x.sendResponseHeaders(404, -1);
                        return;
                    }
                }
                Path f = www.resolve(path.substring(1)).normalize();
                if (!f.startsWith(www) || !Files.isRegularFile(f)) {
                    x.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] b = Files.readAllBytes(f);
                x.sendResponseHeaders(200, b.length);
                try (OutputStream o = x.getResponseBody()) {
                    o.write(b);
                }
            }
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
        }
    }

    /** An image of PARTS part files and bytes between them, its template and .jigdo (parts on {@code server}). */
    private byte[] makeImage(Path www, String server, String filename) throws Exception {
        Path parts = Files.createDirectories(www.resolve("parts"));
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        List<ImagePiece.Matched> matched = new ArrayList<>();
        for (int i = 0; i < PARTS; i++) {
            img.write(CliTest.random(3000 + i, 100 + i));
            byte[] part = CliTest.random(50_000 + i, i);
            Files.write(parts.resolve("p" + i), part);
            matched.add(new ImagePiece.Matched(img.size(), part.length, "Mirror:p" + i));
            img.write(part);
        }
        Path image = Files.write(dir.resolve("source.iso"), img.toByteArray());
        ImageTemplateWriter.Result r;
        try (FileChannel ch = FileChannel.open(image); OutputStream o = Files.newOutputStream(www.resolve("image.template"))) {
            r = ImageTemplateWriter.write(ch, ImageLayout.of(img.size(), matched), o, TemplateOptions.of(ChecksumKind.SHA256),
                    Progress.NONE);
        }
        try (OutputStream o = Files.newOutputStream(www.resolve("image.jigdo"))) {
            JigdoFileWriter.write(new JigdoFileWriter.Description(filename, "image.template", r.summary(), Optional.empty(),
                    Optional.empty(), Map.of("Mirror", List.of(new JigdoFile.Server(server + "parts/", false))), r.parts()),
                    o, true, "spindelta/test");
        }
        return img.toByteArray();
    }

    private Process get(Path cwd, String url) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "jigdo", "get", "-q", "--connections", "3", url).directory(cwd.toFile())
                .redirectErrorStream(true).redirectOutput(cwd.resolve("get.log").toFile()).start();
    }

    private static long verifiedParts(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(p -> p.getFileName().toString().matches("[A-Za-z0-9_-]+-\\d+")).count();
        }
    }

    @Test
    void killedMidDownloadThenRunAgainFinishesWithoutFetchingVerifiedPartsAgain() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        Path out = cwd.resolve("test.iso");
        Path cache = cwd.resolve("test.iso.parts");
        try (Mirror m = new Mirror(www)) {
            byte[] image = makeImage(www, m.url(), "test.iso");
            m.stallAfter = 10;
            Process p = get(cwd, m.url() + "image.jigdo");
            for (int i = 0; i < 600 && verifiedParts(cache) < 10; i++) {
                Thread.sleep(50);
            }
            assertEquals(10, verifiedParts(cache), () -> "the first run should have verified 10 parts");
            p.destroyForcibly();
            p.waitFor();
            assertFalse(Files.exists(out), "a killed run leaves no image");

            m.stallAfter = -1;
            m.partRequests.set(0);
            Process again = get(cwd, m.url() + "image.jigdo");
            assertTrue(again.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, again.exitValue(), () -> read(cwd.resolve("get.log")));
            assertArrayEquals(image, Files.readAllBytes(out));
            assertEquals(PARTS - 10, m.partRequests.get(), "only the parts not verified before");
            assertFalse(Files.exists(cache), "the default cache goes once the image is verified");
        }
    }

    @Test
    void getsFromAUrlAndSummarizes() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        try (Mirror m = new Mirror(www)) {
            byte[] image = makeImage(www, m.url(), "test.iso");
            Path out = dir.resolve("out.iso");
            CliTest.Run r = CliTest.run("jigdo", "get", "--connections", "8", "-o", out.toString(), m.url() + "image.jigdo");
            assertEquals(0, r.code(), r::toString);
            assertArrayEquals(image, Files.readAllBytes(out));
            assertTrue(r.out().contains("0 local") && r.out().contains(PARTS + " downloaded"), r::toString);
            assertEquals(PARTS, m.partRequests.get());
        }
    }

    @Test
    void partsOnNoMirrorAreOneLineAndNoImage() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        try (Mirror m = new Mirror(www)) {
            makeImage(www, m.url(), "test.iso");
            m.notFound = true;
            Path out = dir.resolve("out.iso");
            CliTest.Run r = CliTest.run("jigdo", "get", "-o", out.toString(), m.url() + "image.jigdo");
            CliTest.assertOneLineError(r, "could not be downloaded", "HTTP 404");
            assertEquals(PARTS, r.out().lines().filter(l -> l.startsWith("failed: ")).count(), r::toString);
            assertFalse(Files.exists(out));
        }
    }

    @Test
    void aFilenameThatIsAPathIsRefused() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        try (Mirror m = new Mirror(www)) {
            makeImage(www, m.url(), "../escape.iso");
            CliTest.assertOneLineError(CliTest.run("jigdo", "get", m.url() + "image.jigdo"), "not a plain file name");
        }
    }

    @Test
    void badConnectionsIsOneLine() {
        CliTest.assertOneLineError(CliTest.run("jigdo", "get", "--connections", "0", "x.jigdo"), "--connections");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
