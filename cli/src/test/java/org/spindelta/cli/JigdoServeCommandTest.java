package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * {@code spindelta jigdo serve} end to end: it prints its URL and one line per image, serves the image built
 * from its parts (with a range), stops when interrupted with exit 0; bad arguments are one line, exit 1.
 */
class JigdoServeCommandTest {
    @TempDir
    Path dir;

    /** An image of two part files and the bytes around them, its .jigdo (parts under file:parts/) and template. */
    private byte[] makeImage(Path www, String missing) throws Exception {
        Path parts = Files.createDirectories(www.resolve("parts"));
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        List<ImagePiece.Matched> matched = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            img.write(CliTest.random(5000 + i, 10 + i));
            byte[] part = CliTest.random(200_000 + i, i);
            if (!("p" + i).equals(missing)) {
                Files.write(parts.resolve("p" + i), part);
            }
            matched.add(new ImagePiece.Matched(img.size(), part.length, "Parts:p" + i));
            img.write(part);
        }
        img.write(CliTest.random(7000, 99));
        Path image = Files.write(dir.resolve("image.iso"), img.toByteArray());
        ImageTemplateWriter.Result r;
        try (FileChannel ch = FileChannel.open(image); OutputStream o = Files.newOutputStream(www.resolve("image.template"))) {
            r = ImageTemplateWriter.write(ch, ImageLayout.of(img.size(), matched), o,
                    TemplateOptions.of(ChecksumKind.SHA256), Progress.NONE);
        }
        try (OutputStream o = Files.newOutputStream(www.resolve("image.jigdo"))) {
            JigdoFileWriter.write(new JigdoFileWriter.Description("image.iso", "image.template", r.summary(),
                    Optional.empty(), Optional.empty(), Map.of("Parts", List.of(new JigdoFile.Server("file:parts/", false))),
                    r.parts()), o, false, "spindelta/test");
        }
        return img.toByteArray();
    }

    /** Runs the command on a thread until its URL line is printed; the caller interrupts it. */
    private record Running(Thread thread, StringWriter out, StringWriter err, AtomicInteger code) {
        String url() throws InterruptedException {
            Pattern p = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/) ");
            for (int i = 0; i < 300; i++) {
                Matcher m = p.matcher(out.toString());
                if (m.find()) {
                    return m.group(1);
                }
                if (!thread.isAlive()) {
                    break;
                }
                Thread.sleep(50);
            }
            throw new AssertionError("no URL printed: " + out + err);
        }

        int stop() throws InterruptedException {
            thread.interrupt();
            thread.join(10_000);
            return code.get();
        }
    }

    private static Running start(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true))));
        t.start();
        return new Running(t, out, err, code);
    }

    @Test
    void servesTheImageUntilInterrupted() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] image = makeImage(www, null);
        Running r = start("jigdo", "serve", "--port", "0", "--threads", "4", www.toString());
        try {
            String url = r.url();
            assertTrue(r.out().toString().contains("  image.iso  " + image.length + " bytes  available (2 part files)"),
                    r.out()::toString);
            HttpClient c = HttpClient.newHttpClient();
            HttpResponse<byte[]> whole = c.send(HttpRequest.newBuilder(URI.create(url + "image.iso")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, whole.statusCode());
            assertArrayEquals(image, whole.body());
            HttpResponse<byte[]> range = c.send(HttpRequest.newBuilder(URI.create(url + "image.iso"))
                    .header("Range", "bytes=4990-205010").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, range.statusCode());
            assertArrayEquals(Arrays.copyOfRange(image, 4990, 205_011), range.body());
        } finally {
            assertEquals(0, r.stop(), r.err()::toString);
        }
    }

    @Test
    void anImageMissingAPartIsListedUnavailable() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        makeImage(www, "p1");
        Running r = start("jigdo", "serve", "--port", "0", www.toString());
        try {
            String url = r.url();
            String out = r.out().toString();
            assertTrue(out.contains("image.iso") && out.contains("unavailable: 1 of its 2 parts is missing, e.g. Parts:p1"), out);
            HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "image.iso"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, resp.statusCode());
            assertTrue(resp.body().contains("Parts:p1"), resp.body());
        } finally {
            assertEquals(0, r.stop());
        }
    }

    @Test
    void badArgumentsAreOneLine() throws Exception {
        CliTest.assertOneLineError(CliTest.run("jigdo", "serve", dir.resolve("nowhere").toString()), "not a directory");
        CliTest.assertOneLineError(CliTest.run("jigdo", "serve", "--port", "70000", dir.toString()), "--port");
        CliTest.assertOneLineError(CliTest.run("jigdo", "serve", "--bind", "no-such-host.invalid", dir.toString()), "--bind");
        CliTest.assertOneLineError(CliTest.run("jigdo", "serve", "--threads", "0", dir.toString()), "--threads");
        CliTest.assertOneLineError(CliTest.run("jigdo", "serve", "--source", dir.resolve("none").toString(), dir.toString()),
                "--source");
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliTest.assertOneLineError(CliTest.run("jigdo", "serve", "--port", Integer.toString(taken.getLocalPort()),
                    dir.toString()), "cannot listen", Integer.toString(taken.getLocalPort()));
        }
    }
}
