package org.spindelta.jigdo.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spindelta.core.Progress;
import org.spindelta.jigdo.TestImages;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.make.MakeTemplate;
import org.spindelta.jigdo.match.CandidateIndex;
import org.spindelta.jigdo.match.ChecksumList;
import org.spindelta.jigdo.match.LabelDirectory;
import org.spindelta.jigdo.rebuild.PartSources;
import org.spindelta.jigdo.template.TemplateOptions;

/**
 * The server end to end on loopback, checked with the real {@code curl} and a concurrent Java client against
 * the real ISO {@code xorriso} made: images from our make-template's template (MD5), from jigdo-file's
 * (SHA-256) and from a bare template whose parts are searched for; whole, single, suffix, open and multiple
 * ranges, 416, HEAD, If-Range, a resumed {@code curl -C -}; traversal refused; a corrupt part never sent as
 * good bytes; a client that stops reading does not keep its thread.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageServerTest {
    private TestImages t;
    private byte[] iso;
    private Path www;
    private Path work;
    private Curl curl;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<ImageServer> servers = new ArrayList<>();
    private ImageServer server;
    /** Serves images of a copy of the tree with one part corrupted; checks up to 256 MiB before the headers. */
    private ImageServer badServer;
    /** The same, checking nothing before the headers: the bad part is met while streaming. */
    private ImageServer lazyServer;
    private long badOffset;
    private long badLength;

    @BeforeAll
    void start() throws Exception {
        t = TestImages.get();
        iso = Files.readAllBytes(t.iso);
        Path root = Files.createDirectories(t.dir.resolve("serve"));
        work = Files.createDirectories(root.resolve("work"));
        curl = new Curl(work);
        www = Files.createDirectories(root.resolve("www"));
        MakeTemplate.make(t.iso, www.resolve("test.jigdo"), www.resolve("test.template"),
                options(t.tree, ChecksumKind.MD5), Progress.NONE);
        Path jfIso = root.resolve("jf-test.iso");
        Files.copy(t.iso, jfIso);
        TestImages.run(root, "jigdo-file", "make-template", "-r", "quiet", "--checksum-algorithm=sha256",
                "--image=" + jfIso, "--jigdo=" + www.resolve("jf.jigdo"), "--template=" + www.resolve("jf.template"),
                "--label", "Tree=" + t.tree.toAbsolutePath(), t.tree.toAbsolutePath() + "//");
        Files.copy(www.resolve("test.template"), www.resolve("bare.iso.template"));
        // what must not be served: other files of DIR, links out of it
        Files.writeString(www.resolve("secret.txt"), "not served\n");
        Path outside = Files.writeString(root.resolve("outside.template"), "outside DIR\n");
        Files.createSymbolicLink(www.resolve("escape.template"), outside);
        Files.createDirectories(www.resolve("sub"));
        Files.writeString(www.resolve("sub").resolve("inner.jigdo"), "not served\n");

        PartSources sources = new PartSources(Map.of("Tree", List.of(t.tree)), List.of(t.tree), List.of());
        server = start(www, ServeOptions.defaults(loopback(), 8, sources, log::add));

        // a copy of the tree whose largest file is corrupted after its template was made (same size)
        Path badRoot = Files.createDirectories(t.dir.resolve("serve-bad"));
        Path tree = badRoot.resolve("tree");
        Path victim = null;
        for (Path f : t.files()) {
            Path to = tree.resolve(t.tree.relativize(f));
            Files.createDirectories(to.getParent());
            Files.copy(f, to);
            if (victim == null || Files.size(f) > Files.size(t.tree.resolve(tree.relativize(victim)))) {
                victim = to;
            }
        }
        Path badWww = Files.createDirectories(badRoot.resolve("www"));
        MakeTemplate.make(t.iso, badWww.resolve("test.jigdo"), badWww.resolve("test.template"),
                options(tree, ChecksumKind.MD5), Progress.NONE);
        byte[] good = Files.readAllBytes(victim);
        badOffset = indexOf(iso, good);
        badLength = good.length;
        assertTrue(badOffset > 0 && badLength > 100_000, "the victim's bytes are in the ISO");
        byte[] b = good.clone();
        b[b.length / 2] ^= 0x55;
        Files.write(victim, b);
        badServer = start(badWww, ServeOptions.defaults(loopback(), 4, PartSources.none(), log::add));
        lazyServer = start(badWww, ServeOptions.defaults(loopback(), 4, PartSources.none(), log::add)
                .withVerifyBeforeHeaders(0));
    }

    private ImageServer start(Path dir, ServeOptions o) throws Exception {
        ImageServer s = ImageServer.start(ServedDirectory.scan(dir, o, new PartVerifier()), o);
        servers.add(s);
        return s;
    }

    @AfterAll
    void stop() {
        servers.forEach(ImageServer::close);
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private static MakeTemplate.Options options(Path tree, ChecksumKind kind) {
        return new MakeTemplate.Options(List.of(LabelDirectory.parse("Tree=" + tree)), Map.of(),
                CandidateIndex.DEFAULT_MIN_SIZE, List.of(), ChecksumList.empty(), TemplateOptions.of(kind), false,
                Optional.empty(), Optional.empty(), 2);
    }

    private static String url(ImageServer s, String path) {
        return "http://127.0.0.1:" + s.address().getPort() + path;
    }

    private String url(String path) {
        return url(server, path);
    }

    private byte[] slice(long first, long last) {
        return Arrays.copyOfRange(iso, (int) first, (int) last + 1);
    }

    private static String hex(String algorithm, byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(b));
    }

    @Test
    void everyImageIsListedAvailable() {
        List<String> names = server.directory().images().stream().map(ServedImage::name).toList();
        assertEquals(List.of("jf-test.iso", "test.iso", "bare.iso"), names);
        for (String line : server.directory().describe()) {
            assertTrue(line.contains(iso.length + " bytes  available"), line);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"test.iso", "jf-test.iso", "bare.iso"})
    void aWholeGetIsTheImage(String name) throws Exception {
        Curl.Response r = curl.get(url("/" + name));
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(200, r.status());
        assertEquals(Long.toString(iso.length), r.header("Content-Length"));
        assertEquals(hex("SHA-256", iso), hex("SHA-256", r.bytes()), "SHA-256 of the served " + name);
        assertEquals("bytes", r.header("Accept-Ranges"));
        assertEquals("application/x-iso9660-image", r.header("Content-Type"));
    }

    @Test
    void theEtagIsTheTemplatesImageChecksum() throws Exception {
        assertEquals("\"md5-" + hex("MD5", iso) + "\"", curl.get(url("/test.iso"), "-I").header("ETag"));
        assertEquals("\"sha256-" + hex("SHA-256", iso) + "\"", curl.get(url("/jf-test.iso"), "-I").header("ETag"));
    }

    @Test
    void headGivesTheHeadersOnly() throws Exception {
        Curl.Response r = curl.get(url("/test.iso"), "-I");
        assertEquals(0, r.exit(), r.stderr());
        assertEquals(200, r.status());
        assertEquals(Long.toString(iso.length), r.header("Content-Length"));
        assertEquals("bytes", r.header("Accept-Ranges"));
        assertTrue(HttpDate.parse(r.header("Last-Modified")).isPresent(), r.headers().toString());
        // on the wire: the header block and nothing after it, though it announces the image's length
        String raw = new String(exchange(server, "HEAD /test.iso HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                StandardCharsets.ISO_8859_1);
        assertTrue(raw.startsWith("HTTP/1.1 200 "), raw);
        assertTrue(raw.toLowerCase(java.util.Locale.ROOT).contains("content-length: " + iso.length + "\r\n"), raw);
        assertTrue(raw.endsWith("\r\n\r\n"), raw);
    }

    /** Sends {@code request} on a new connection and reads until the server closes it. */
    private static byte[] exchange(ImageServer s, String request) throws Exception {
        try (Socket sock = new Socket()) {
            sock.connect(s.address());
            sock.setSoTimeout(10_000);
            sock.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            sock.getOutputStream().flush();
            return sock.getInputStream().readAllBytes();
        }
    }

    @Test
    void aSingleRange() throws Exception {
        Curl.Response r = curl.get(url("/test.iso"), "-r", "1000-199999");
        assertEquals(206, r.status());
        assertEquals("bytes 1000-199999/" + iso.length, r.header("Content-Range"));
        assertEquals("199000", r.header("Content-Length"));
        assertArrayEquals(slice(1000, 199_999), r.bytes());
    }

    @Test
    void aRangeAcrossEveryPartOfTheImage() throws Exception {
        Curl.Response r = curl.get(url("/jf-test.iso"), "-r", "1-" + (iso.length - 2));
        assertEquals(206, r.status());
        assertArrayEquals(slice(1, iso.length - 2), r.bytes());
    }

    @Test
    void aSuffixRange() throws Exception {
        Curl.Response r = curl.get(url("/test.iso"), "-H", "Range: bytes=-5000");
        assertEquals(206, r.status());
        assertEquals("bytes " + (iso.length - 5000) + "-" + (iso.length - 1) + "/" + iso.length, r.header("Content-Range"));
        assertArrayEquals(slice(iso.length - 5000, iso.length - 1), r.bytes());
    }

    @Test
    void anOpenRange() throws Exception {
        Curl.Response r = curl.get(url("/bare.iso"), "-H", "Range: bytes=123457-");
        assertEquals(206, r.status());
        assertArrayEquals(slice(123_457, iso.length - 1), r.bytes());
    }

    @Test
    void multipleRangesAreMultipartByteranges() throws Exception {
        long mid = badOffset; // inside a matched part
        String spec = "0-99," + mid + "-" + (mid + 70_000) + ",-100,40000-40999";
        Curl.Response r = curl.get(url("/test.iso"), "-r", spec);
        assertEquals(206, r.status());
        Matcher m = Pattern.compile("multipart/byteranges; boundary=(\\S+)").matcher(r.header("Content-Type"));
        assertTrue(m.matches(), r.header("Content-Type"));
        byte[] body = r.bytes();
        assertEquals(Long.toString(body.length), r.header("Content-Length"));
        List<long[]> want = List.of(new long[] {0, 99}, new long[] {mid, mid + 70_000},
                new long[] {iso.length - 100, iso.length - 1}, new long[] {40_000, 40_999});
        List<Part> parts = parseMultipart(body, m.group(1));
        assertEquals(want.size(), parts.size());
        for (int i = 0; i < want.size(); i++) {
            long[] w = want.get(i);
            Part p = parts.get(i);
            assertEquals("bytes " + w[0] + "-" + w[1] + "/" + iso.length, p.headers().get("content-range"));
            assertEquals("application/x-iso9660-image", p.headers().get("content-type"));
            assertArrayEquals(slice(w[0], w[1]), p.bytes(), "part " + i);
        }
    }

    @Test
    void overlappingRangesAreCoalescedIntoOne() throws Exception {
        Curl.Response r = curl.get(url("/test.iso"), "-H", "Range: bytes=500-1999,0-999,0-10");
        assertEquals(206, r.status());
        assertEquals("bytes 0-1999/" + iso.length, r.header("Content-Range"));
        assertArrayEquals(slice(0, 1999), r.bytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=%d-", "bytes=%d-%d", "bytes=-0"})
    void unsatisfiableRangesGet416(String spec) throws Exception {
        Curl.Response r = curl.get(url("/test.iso"), "-H", "Range: " + String.format(spec, iso.length, iso.length + 10));
        assertEquals(416, r.status());
        assertEquals("bytes */" + iso.length, r.header("Content-Range"));
    }

    @Test
    void anInvalidRangeIsIgnored() throws Exception {
        Curl.Response r = curl.get(url("/test.iso"), "-H", "Range: bytes=9-5");
        assertEquals(200, r.status());
        assertEquals(iso.length, r.bytes().length);
    }

    @Test
    void ifRangeWithTheEtagOrDateHonoursTheRange() throws Exception {
        Curl.Response head = curl.get(url("/test.iso"), "-I");
        for (String v : List.of(head.header("ETag"), head.header("Last-Modified"))) {
            Curl.Response r = curl.get(url("/test.iso"), "-r", "100-199", "-H", "If-Range: " + v);
            assertEquals(206, r.status(), v);
            assertArrayEquals(slice(100, 199), r.bytes());
        }
    }

    @Test
    void ifRangeWithAnotherEtagSendsTheWholeImage() throws Exception {
        for (String v : List.of("\"md5-00\"", "W/" + curl.get(url("/test.iso"), "-I").header("ETag"),
                "Sun, 06 Nov 1994 08:49:37 GMT")) {
            Curl.Response r = curl.get(url("/test.iso"), "-r", "100-199", "-H", "If-Range: " + v);
            assertEquals(200, r.status(), v);
            assertEquals(hex("SHA-256", iso), hex("SHA-256", r.bytes()));
        }
    }

    @Test
    void ifNoneMatchGets304() throws Exception {
        String etag = curl.get(url("/test.iso"), "-I").header("ETag");
        Curl.Response r = curl.get(url("/test.iso"), "-H", "If-None-Match: \"x\", " + etag);
        assertEquals(304, r.status());
        assertEquals(0, r.bytes().length);
    }

    @Test
    void aResumedCurlDownloadComesOutIdentical() throws Exception {
        Path out = curl.nextBody();
        // a real interrupted download: rate-limited and stopped by its time limit part way
        Curl.Response first = curl.run(url("/jf-test.iso"), out, "--limit-rate", "20K", "--max-time", "1");
        assertEquals(28, first.exit(), "curl stopped by --max-time: " + first.stderr());
        long partial = Files.size(out);
        assertTrue(partial > 0 && partial < iso.length, partial + " of " + iso.length);
        Curl.Response rest = curl.run(url("/jf-test.iso"), out, "-C", "-");
        assertEquals(0, rest.exit(), rest.stderr());
        assertEquals(206, rest.status());
        assertEquals("bytes " + partial + "-" + (iso.length - 1) + "/" + iso.length, rest.header("Content-Range"));
        assertEquals(-1, Files.mismatch(out, t.iso), "resumed download differs from the image");
    }

    @Test
    void concurrentRangeClientsGetExactBytes() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<String> names = List.of("test.iso", "jf-test.iso", "bare.iso");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                int seed = c;
                done.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    int checked = 0;
                    for (int i = 0; i < 20; i++) {
                        long first = rnd.nextInt(iso.length);
                        long last = Math.min(iso.length - 1, first + rnd.nextInt(rnd.nextBoolean() ? 4096 : 3_000_000));
                        String name = names.get(rnd.nextInt(names.size()));
                        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(url("/" + name)))
                                .header("Range", "bytes=" + first + "-" + last).build(), HttpResponse.BodyHandlers.ofByteArray());
                        assertEquals(206, r.statusCode());
                        assertArrayEquals(slice(first, last), r.body(), name + " " + first + "-" + last);
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> f : done) {
                assertEquals(20, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theJigdoAndTemplateFilesAreServedAsTheyAre() throws Exception {
        for (String name : List.of("test.jigdo", "test.template", "jf.jigdo", "jf.template", "bare.iso.template")) {
            Curl.Response r = curl.get(url("/" + name));
            assertEquals(200, r.status(), name);
            assertArrayEquals(Files.readAllBytes(www.resolve(name)), r.bytes(), name);
        }
        Curl.Response r = curl.get(url("/test.template"), "-r", "10-19");
        assertEquals(206, r.status());
        assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(www.resolve("test.template")), 10, 20), r.bytes());
    }

    @Test
    void theListingLinksEveryImageAndFile() throws Exception {
        Curl.Response r = curl.get(url("/"));
        assertEquals(200, r.status());
        assertTrue(r.header("Content-Type").startsWith("text/html"));
        String page = r.text();
        for (String name : List.of("test.iso", "jf-test.iso", "bare.iso", "test.jigdo", "test.template", "jf.jigdo",
                "jf.template", "bare.iso.template")) {
            assertTrue(page.contains("href=\"./" + name + "\""), name + " in\n" + page);
        }
        assertFalse(page.contains("secret") || page.contains("escape") || page.contains("inner"), page);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd",
        "/secret.txt", "/escape.template", "/sub/inner.jigdo", "/sub", "//etc/passwd", "/test.iso/", "/test.iso/x",
        "/%2fetc%2fpasswd", "/.", "/%00"})
    void nothingElseIsServed(String path) throws Exception {
        Curl.Response r = curl.get(url(path), "--path-as-is");
        assertEquals(404, r.status(), path);
        String body = r.text();
        assertFalse(body.contains("root:") || body.contains("not served") || body.contains("outside DIR"), body);
    }

    @Test
    void theLinkOutOfDirIsReported() {
        assertTrue(server.directory().notices().stream().anyMatch(n -> n.contains("escape.template")),
                server.directory().notices().toString());
    }

    @Test
    void onlyGetAndHead() throws Exception {
        Curl.Response r = curl.get(url("/test.iso"), "-X", "POST", "-d", "x");
        assertEquals(405, r.status());
        assertEquals("GET, HEAD", r.header("Allow"));
    }

    @Test
    void aCorruptPartIsA503BeforeAnyByte() throws Exception {
        Curl.Response r = curl.get(url(badServer, "/test.iso"), "-r", (badOffset + 10) + "-" + (badOffset + 20));
        assertEquals(503, r.status());
        assertTrue(r.text().contains("does not have the template's md5") || r.text().contains("has md5"), r.text());
        // the whole image needs it too
        Curl.Response whole = curl.get(url(badServer, "/test.iso"));
        assertEquals(503, whole.status());
        assertTrue(whole.bytes().length < 2000, "a message, not the image");
        // ranges that do not touch it are served
        Curl.Response before = curl.get(url(badServer, "/test.iso"), "-r", "0-" + (badOffset - 1));
        assertEquals(206, before.status());
        assertArrayEquals(slice(0, badOffset - 1), before.bytes());
        assertTrue(badServer.directory().describe().get(0).contains("failed the template's checksum"),
                badServer.directory().describe().toString());
    }

    @Test
    void aCorruptPartMetWhileStreamingCutsTheConnection() throws Exception {
        Curl.Response whole = curl.get(url(lazyServer, "/test.iso"));
        assertEquals(200, whole.status());
        assertEquals(18, whole.exit(), "curl: partial file; " + whole.stderr());
        byte[] got = whole.bytes();
        assertTrue(got.length <= badOffset, got.length + " bytes received; the bad part starts at " + badOffset);
        assertArrayEquals(slice(0, got.length - 1), got, "what was sent is the image's start");
        // now the part is known bad: a clean 503
        Curl.Response again = curl.get(url(lazyServer, "/test.iso"), "-r", badOffset + "-" + (badOffset + 1));
        assertEquals(503, again.status());
        assertTrue(log.stream().anyMatch(l -> l.contains("response cut") && l.contains("has md5")), log.toString());
    }

    @Test
    void aClientThatStopsReadingIsCutAndFreesItsThread() throws Exception {
        ImageServer one = start(www, new ServeOptions(loopback(), 1, 4, 64, Duration.ofMillis(1500),
                ServeOptions.DEFAULT_VERIFY_BEFORE_HEADERS, false,
                new PartSources(Map.of("Tree", List.of(t.tree)), List.of(), List.of()), 1 << 16, log::add));
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(one.address());
            OutputStream o = s.getOutputStream();
            // four pipelined GETs: more than any socket buffers hold, and never read
            String get = "GET /test.iso HTTP/1.1\r\nHost: x\r\n\r\n";
            o.write(get.repeat(4).getBytes(StandardCharsets.US_ASCII));
            o.flush();
            Thread.sleep(300);
            long t0 = System.nanoTime();
            // the server's only thread is stuck writing to s; this request waits until the stall is cut
            Curl.Response r = curl.get(url(one, "/test.iso"), "-r", "0-9");
            assertEquals(206, r.status(), r.stderr());
            assertArrayEquals(slice(0, 9), r.bytes());
            assertTrue(System.nanoTime() - t0 < 20_000_000_000L);
            assertTrue(log.stream().anyMatch(l -> l.contains("took no data")), log.toString());
            // the stalled connection was closed: reading it ends well short of four images
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            long n = 0;
            try {
                for (int k; (k = in.read(new byte[65536])) >= 0; ) {
                    n += k;
                }
            } catch (java.net.SocketException e) {
                // reset: also closed
            }
            assertTrue(n < 4L * iso.length, n + " bytes");
        } finally {
            one.close();
        }
    }

    private record Part(Map<String, String> headers, byte[] bytes) {}

    /** A strict reader of multipart/byteranges: delimiter lines, headers, CRLF before each delimiter. */
    private static List<Part> parseMultipart(byte[] body, String boundary) {
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<Part> parts = new ArrayList<>();
        int p = 0;
        assertArrayEquals(delim, Arrays.copyOfRange(body, 0, delim.length), "body starts with the delimiter");
        p = delim.length;
        while (true) {
            if (body[p] == '-' && body[p + 1] == '-') {
                assertEquals("\r\n", new String(body, p + 2, body.length - p - 2, StandardCharsets.US_ASCII));
                return parts;
            }
            assertEquals('\r', body[p]);
            assertEquals('\n', body[p + 1]);
            p += 2;
            java.util.LinkedHashMap<String, String> h = new java.util.LinkedHashMap<>();
            while (true) {
                int eol = indexOf(body, "\r\n".getBytes(StandardCharsets.US_ASCII), p);
                String line = new String(body, p, eol - p, StandardCharsets.US_ASCII);
                p = eol + 2;
                if (line.isEmpty()) {
                    break;
                }
                int c = line.indexOf(':');
                h.put(line.substring(0, c).strip().toLowerCase(java.util.Locale.ROOT), line.substring(c + 1).strip());
            }
            Matcher m = Pattern.compile("bytes (\\d+)-(\\d+)/\\d+").matcher(h.get("content-range"));
            assertTrue(m.matches());
            int len = (int) (Long.parseLong(m.group(2)) - Long.parseLong(m.group(1)) + 1);
            parts.add(new Part(h, Arrays.copyOfRange(body, p, p + len)));
            p += len;
            byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(next, Arrays.copyOfRange(body, p, p + next.length), "delimiter after the part");
            p += next.length;
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        for (int at = 0; at + needle.length <= hay.length; at += 2048) { // ISO files start on 2048-byte sectors
            if (Arrays.equals(hay, at, at + needle.length, needle, 0, needle.length)) {
                return at;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int at = from; at + needle.length <= hay.length; at++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[at + k] != needle[k]) {
                    continue outer;
                }
            }
            return at;
        }
        return -1;
    }

    @Test
    void aRequestForAnUnavailableImageIs503WithTheReason() throws Exception {
        Path dir = Files.createDirectories(t.dir.resolve("serve-missing"));
        Files.copy(www.resolve("bare.iso.template"), dir.resolve("lonely.iso.template"));
        ImageServer s = start(dir, ServeOptions.defaults(loopback(), 2, PartSources.none(), log::add));
        String line = s.directory().describe().get(0);
        assertTrue(line.startsWith("lonely.iso  " + iso.length + " bytes  unavailable: "), line);
        assertTrue(line.contains("parts are missing"), line);
        Curl.Response r = curl.get(url(s, "/lonely.iso"), "-r", "0-9");
        assertEquals(503, r.status());
        assertTrue(r.text().contains("missing"), r.text());
        assertNull(r.header("Content-Range"));
        assertNotEquals(200, curl.get(url(s, "/lonely.iso"), "-I").status());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }
}
