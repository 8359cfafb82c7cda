package org.spindelta.jigdo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.spindelta.core.testing.PeerTools;
import org.spindelta.jigdo.format.ChecksumKind;

/**
 * The real files and ISO the jigdo interop tests share, built once per test JVM: a tree of about 6 MB of
 * real files from /usr/share/common-licenses and /usr/lib (some under 1 KiB, one duplicate, one empty),
 * the ISO {@code xorriso -as mkisofs -R -J} makes of it, and checksum lists in JTE's format.
 */
public final class TestImages {
    private static TestImages shared;

    public final Path dir;
    public final Path tree;
    public final Path iso;

    private TestImages(Path dir) throws Exception {
        this.dir = dir;
        this.tree = Files.createDirectories(dir.resolve("tree"));
        long total = 0;
        List<Path> picked = new ArrayList<>();
        for (Path root : List.of(Path.of("/usr/share/common-licenses"), Path.of("/usr/lib/x86_64-linux-gnu"),
                Path.of("/usr/lib"))) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(root, 2)) {
                for (Path p : s.filter(Files::isRegularFile).filter(Files::isReadable)
                        .filter(p -> !Files.isSymbolicLink(p)).sorted().toList()) {
                    long size = Files.size(p);
                    if (size > 1_500_000 || total > 6_000_000) {
                        continue;
                    }
                    picked.add(p);
                    total += size;
                }
            }
        }
        int i = 0;
        for (Path p : picked) {
            Path to = tree.resolve(String.format(Locale.ROOT, "d%02d", i % 7)).resolve(i + "-" + p.getFileName());
            Files.createDirectories(to.getParent());
            Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
            i++;
        }
        Files.copy(picked.get(0), tree.resolve("duplicate-of-first"));
        Files.write(tree.resolve("empty"), new byte[0]);
        Files.writeString(tree.resolve("small.txt"), "a small file\n");
        this.iso = dir.resolve("test.iso");
        run(dir, "xorriso", "-as", "mkisofs", "-R", "-J", "-V", "TESTISO", "-o", iso.toString(), tree.toString());
    }

    /** The shared images, made on first use in a temporary directory removed when the JVM exits. */
    public static synchronized TestImages get() {
        PeerTools.require("xorriso", "xorriso");
        if (shared == null) {
            try {
                Path d = Files.createTempDirectory("spindelta-jigdo-test-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d)));
                shared = new TestImages(d);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    /** Every regular file of the tree, sorted. */
    public List<Path> files() throws IOException {
        try (Stream<Path> s = Files.walk(tree)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /**
     * The tree's files in JTE's checksum list format ({@code -md5-list}, {@code -checksum-list}): hex
     * checksum, two blanks, size in 12 columns, two blanks, absolute path.
     */
    public Path checksumList(ChecksumKind kind) throws Exception {
        Path list = dir.resolve(kind.label() + ".list");
        if (!Files.exists(list)) {
            StringBuilder s = new StringBuilder();
            for (Path f : files()) {
                byte[] sum = kind.newDigest().digest(Files.readAllBytes(f));
                s.append(String.format(Locale.ROOT, "%s  %12d  %s%n", HexFormat.of().formatHex(sum), Files.size(f),
                        f.toAbsolutePath()));
            }
            Files.writeString(list, s);
        }
        return list;
    }

    /** Runs a peer tool in {@code cwd}; its output, which must end with exit code 0. */
    public static String run(Path cwd, String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of(cmd));
        c.set(0, PeerTools.require(cmd[0], packageOf(cmd[0])).toString());
        Path log = Files.createTempFile("peer-", ".log");
        try {
            Process p = new ProcessBuilder(c).directory(cwd.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", c));
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), () -> String.join(" ", c) + "\n" + out);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static String packageOf(String tool) {
        return switch (tool) {
            case "jigdo-file" -> "jigdo-file";
            case "jigit-mkimage", "jigdump" -> "jigit";
            case "genisoimage" -> "genisoimage";
            default -> tool;
        };
    }

    static void deleteTree(Path d) {
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort at exit
        }
    }
}
