package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A small spin family made by real mksquashfs from real files (Debian's copyright texts and the JDK's
 * own library files): a base, a "localized" spin (new files, a few edited), an "updated" spin (some
 * binaries replaced), all xz, and the base again as gzip (the same content, another compressor).
 */
final class PoolFamily {
    final Path base;
    final Path loc;
    final Path upd;
    final Path baseGzip;

    private PoolFamily(Path dir) {
        base = dir.resolve("base.sqfs");
        loc = dir.resolve("loc.sqfs");
        upd = dir.resolve("upd.sqfs");
        baseGzip = dir.resolve("base-gzip.sqfs");
    }

    static PoolFamily build(Path dir) throws Exception {
        PoolFamily f = new PoolFamily(dir);
        Path b = dir.resolve("tree-base");
        Path l = dir.resolve("tree-loc");
        Path u = dir.resolve("tree-upd");
        List<Path> docs;
        try (Stream<Path> s = Files.list(Path.of("/usr/share/doc"))) {
            docs = s.sorted().map(p -> p.resolve("copyright")).filter(Files::isRegularFile).limit(150).toList();
        }
        List<Path> libs;
        Path jdkLib = Path.of(System.getProperty("java.home"), "lib");
        try (Stream<Path> s = Files.list(jdkLib)) {
            libs = s.sorted().filter(p -> p.toString().endsWith(".so")).limit(12).toList();
        }
        int n = 0;
        for (Path d : docs) {
            String pkg = d.getParent().getFileName().toString();
            byte[] text = Files.readAllBytes(d);
            for (Path t : List.of(b, l, u)) {
                Files.createDirectories(t.resolve("doc").resolve(pkg));
                Files.write(t.resolve("doc").resolve(pkg).resolve("copyright"), text);
            }
            if (n++ % 5 == 0) {
                Files.writeString(l.resolve("doc").resolve(pkg).resolve("copyright.de"),
                        "Übersetzung von " + pkg + "\n" + new String(text, StandardCharsets.UTF_8).toUpperCase(),
                        StandardCharsets.UTF_8);
            }
        }
        n = 0;
        for (Path lib : libs) {
            byte[] bytes = Files.readAllBytes(lib);
            for (Path t : List.of(b, l, u)) {
                Files.createDirectories(t.resolve("lib"));
                byte[] out = bytes;
                if (t == u && n % 4 == 0) { // "a new version": the same library with some bytes changed
                    out = bytes.clone();
                    for (int i = 0; i < out.length; i += 4099) {
                        out[i] ^= 0x5A;
                    }
                }
                Files.write(t.resolve("lib").resolve(lib.getFileName()), out);
            }
            n++;
        }
        mksquashfs(b, f.base, "xz");
        mksquashfs(l, f.loc, "xz");
        mksquashfs(u, f.upd, "xz");
        mksquashfs(b, f.baseGzip, "gzip");
        return f;
    }

    static void mksquashfs(Path tree, Path image, String comp) throws IOException, InterruptedException {
        try (Stream<Path> s = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(1_767_225_600_000L));
            }
        }
        Process p = new ProcessBuilder(SqfsInfoTest.require("mksquashfs").toString(), tree.toString(), image.toString(),
                "-noappend", "-no-progress", "-quiet", "-all-root", "-mkfs-time", "1767225600", "-comp", comp,
                "-processors", "2").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(5, TimeUnit.MINUTES);
        assertEquals(0, p.exitValue(), "mksquashfs " + image);
    }
}
