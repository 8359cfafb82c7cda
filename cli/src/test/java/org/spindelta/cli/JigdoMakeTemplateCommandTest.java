package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jigdo make-template} from the command line: an xorriso ISO back through our make-image; bad options. */
class JigdoMakeTemplateCommandTest {

    @Test
    void makeTemplateThenMakeImage(@TempDir Path dir) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree/sub"));
        for (int i = 0; i < 6; i++) {
            Files.write(tree.resolve("f" + i + ".bin"), CliTest.random(2000 + 40_000 * i, i));
        }
        Files.writeString(dir.resolve("tree/small.txt"), "below the minimum size\n");
        Path iso = dir.resolve("t.iso");
        Process p = new ProcessBuilder("xorriso", "-outdev", iso.toString(),
                "-map", dir.resolve("tree").toString(), "/").redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), said);

        Path jigdo = dir.resolve("out/t.jigdo");
        Path template = dir.resolve("out/t.template");
        Files.createDirectories(jigdo.getParent());
        CliTest.Run r = CliTest.run("jigdo", "make-template", iso.toString(), "--label", "Tree=" + dir.resolve("tree"),
                "--jigdo", jigdo.toString(), "--template", template.toString(), "--checksum", "sha256");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("6 of 7 files matched"), r::toString);
        assertTrue(Files.readString(jigdo).contains("Template=t.template"), "template named relative to the .jigdo");
        Path out = dir.resolve("rebuilt.iso");
        CliTest.Run m = CliTest.run("jigdo", "make-image", jigdo.toString(), out.toString());
        assertEquals(0, m.code(), m::toString);
        assertEquals(-1, Files.mismatch(out, iso));

        CliTest.Run usage = CliTest.run("jigdo", "make-template", iso.toString(), "--label", "Tree", "--jigdo",
                jigdo.toString(), "--template", template.toString());
        assertEquals(2, usage.code(), usage::toString); // a usage error, like picocli's own
        assertTrue(usage.err().contains("NAME=DIR"), usage::toString);
        CliTest.assertOneLineError(CliTest.run("jigdo", "make-template", dir.resolve("absent.iso").toString(), "--label",
                "Tree=" + dir.resolve("tree"), "--jigdo", dir.resolve("x.jigdo").toString(), "--template",
                dir.resolve("x.template").toString()), "absent.iso");
        assertFalse(Files.exists(dir.resolve("x.jigdo")) || Files.exists(dir.resolve("x.template")), "nothing written");
    }

    @Test
    void aSquashfsSpinAgainstItsBaseImage(@TempDir Path dir) throws Exception {
        Path base = Files.createDirectories(dir.resolve("base"));
        for (int i = 0; i < 5; i++) {
            Files.write(base.resolve("f" + i + ".bin"), CliTest.random(300_000 + 1000 * i, i));
        }
        Path spin = Files.createDirectories(dir.resolve("spin"));
        for (int i = 0; i < 5; i++) {
            Files.copy(base.resolve("f" + i + ".bin"), spin.resolve("f" + i + ".bin"));
        }
        Files.write(spin.resolve("new.bin"), CliTest.random(200_000, 99));
        Path baseImg = dir.resolve("img/base.sqfs");
        Path spinImg = dir.resolve("spin.sqfs");
        Files.createDirectories(baseImg.getParent());
        for (Path[] io : new Path[][] {{base, baseImg}, {spin, spinImg}}) {
            Process p = new ProcessBuilder("mksquashfs", io[0].toString(), io[1].toString(), "-noappend", "-comp", "gzip",
                    "-no-progress").redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), said);
        }
        Path jigdo = dir.resolve("out/spin.jigdo");
        Path template = dir.resolve("out/spin.template");
        Files.createDirectories(jigdo.getParent());
        CliTest.Run r = CliTest.run("jigdo", "make-template", spinImg.toString(), "--base", baseImg.toString(),
                "--jigdo", jigdo.toString(), "--template", template.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("from the base image"), r::toString);
        assertTrue(Files.size(template) < Files.size(spinImg) / 2, "the base's 1.5 MB are not in the template");
        // the base image moved: named with --source, make-image reads the parts from it
        Path moved = Files.move(baseImg, dir.resolve("base.sqfs"));
        Path out = dir.resolve("rebuilt.sqfs");
        CliTest.assertOneLineError(CliTest.run("jigdo", "make-image", jigdo.toString(), out.toString()),
                "give the base image holding them with --source");
        CliTest.Run m = CliTest.run("jigdo", "make-image", jigdo.toString(), "--source", moved.toString(),
                out.toString());
        assertEquals(0, m.code(), m::toString);
        assertEquals(-1, Files.mismatch(out, spinImg));

        CliTest.Run usage = CliTest.run("jigdo", "make-template", spinImg.toString(), "--jigdo", jigdo.toString(),
                "--template", template.toString());
        assertEquals(2, usage.code(), usage::toString);
        assertTrue(usage.err().contains("--base"), usage::toString);
    }

    @Test
    void imagesThatAreNotIsoAreScanned(@TempDir Path dir) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        java.io.ByteArrayOutputStream image = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 4; i++) {
            byte[] b = CliTest.random(3000 + 20_001 * i, i);
            Files.write(tree.resolve("f" + i + ".bin"), b);
            image.write(CliTest.random(101 + i, 10 + i));
            image.write(b);
        }
        Path img = Files.write(dir.resolve("disk.img"), image.toByteArray());
        Path jigdo = dir.resolve("d.jigdo");
        Path template = dir.resolve("d.template");
        CliTest.Run r = CliTest.run("jigdo", "make-template", img.toString(), "--label", "Tree=" + tree,
                "--jigdo", jigdo.toString(), "--template", template.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("(not ISO 9660) scanned at every offset; 4 matches"), r::toString);
        // --scan forces it, and says more
        r = CliTest.run("jigdo", "make-template", img.toString(), "--scan", "--threads", "1", "--label", "Tree=" + tree,
                "--jigdo", jigdo.toString(), "--template", template.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("scanned at every offset; 4 matches of 4 of 4 candidates"), r::toString);
        Path out = dir.resolve("rebuilt.img");
        CliTest.Run m = CliTest.run("jigdo", "make-image", jigdo.toString(), out.toString());
        assertEquals(0, m.code(), m::toString);
        assertEquals(-1, Files.mismatch(out, img));
    }
}
