package org.spindelta.jigdo.serve;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.spindelta.core.testing.PeerTools;

/** Runs the real {@code curl} against a test server: exit code, response headers and body. */
final class Curl {
    /** What one curl run gave: the last response's status and headers (names lower-cased), and the body file. */
    record Response(int exit, int status, Map<String, String> headers, Path body, String stderr) {
        byte[] bytes() throws Exception {
            return Files.exists(body) ? Files.readAllBytes(body) : new byte[0];
        }

        String text() throws Exception {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Path work;
    private int n;

    Curl(Path work) {
        this.work = work;
    }

    /** {@code curl -s -S [args] -D headers -o body url}. */
    Response get(String url, String... args) throws Exception {
        return run(url, nextBody(), args);
    }

    /** The same with the body written to (or resumed into) {@code body}. */
    synchronized Path nextBody() {
        return work.resolve("body-" + (n++));
    }

    Response run(String url, Path body, String... args) throws Exception {
        Path headers = Files.createTempFile(work, "headers-", ".txt");
        Path err = Files.createTempFile(work, "stderr-", ".txt");
        List<String> cmd = new ArrayList<>(List.of(PeerTools.require("curl", "curl").toString(), "-s", "-S",
                "--max-time", "60", "-D", headers.toString(), "-o", body.toString()));
        cmd.addAll(List.of(args));
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("curl timed out: " + cmd);
        }
        int status = 0;
        Map<String, String> h = new LinkedHashMap<>();
        for (String line : Files.readAllLines(headers, StandardCharsets.ISO_8859_1)) {
            if (line.startsWith("HTTP/")) { // a new response (curl -C - may show more than one): keep the last
                status = Integer.parseInt(line.split(" ")[1]);
                h.clear();
            } else if (line.indexOf(':') > 0) {
                int c = line.indexOf(':');
                h.put(line.substring(0, c).strip().toLowerCase(Locale.ROOT), line.substring(c + 1).strip());
            }
        }
        return new Response(p.exitValue(), status, h, body, Files.readString(err));
    }
}
