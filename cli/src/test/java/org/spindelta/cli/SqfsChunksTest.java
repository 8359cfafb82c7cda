package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spindelta sqfs chunks}: the table, the totals and the JSON form of a real image's chunk map
 * account for every byte of the file; bad input gives one line and exit 1, bad usage exit 2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqfsChunksTest {
    private Path dir;
    private Path img;
    private final OutputStream saved = SqfsChunksCommand.stdout;

    @BeforeAll
    void build(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        Path tree = Files.createDirectories(dir.resolve("tree"));
        for (int size : List.of(10, 3000, 131072, 400_000)) {
            Files.write(tree.resolve("file-" + size), CliTest.random(size, size));
        }
        Files.write(tree.resolve("copy-400000"), CliTest.random(400_000, 400_000));
        img = dir.resolve("img.sqfs");
        Process p = new ProcessBuilder(SqfsInfoTest.require("mksquashfs").toString(), tree.toString(), img.toString(),
                "-noappend", "-no-progress", "-comp", "zstd").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(5, TimeUnit.MINUTES);
        assertEquals(0, p.exitValue());
    }

    @AfterEach
    void restore() {
        SqfsChunksCommand.stdout = saved;
    }

    @Test
    void tableRowsCoverTheFile() throws Exception {
        CliTest.Run r = CliTest.run("sqfs", "chunks", img.toString());
        assertEquals(0, r.code(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).trim().startsWith("OFFSET"), lines.get(0));
        long at = 0;
        int rows = 0;
        for (String line : lines.subList(1, lines.size())) {
            if (line.startsWith("TOTAL BY KIND")) {
                break;
            }
            String[] f = line.trim().split("\\s+");
            assertEquals(at, Long.parseLong(f[0]), line);
            at += Long.parseLong(f[1]);
            rows++;
        }
        assertEquals(Files.size(img), at);
        String all = lines.get(lines.size() - 1);
        assertEquals(List.of("all", Integer.toString(rows), Long.toString(Files.size(img))),
                List.of(all.trim().split("\\s+")));
        assertTrue(r.out().contains("copy-400000 bytes 0..131072 (+1 more)"), "the duplicate shares the block");
        assertTrue(r.out().contains("superblock") && r.out().contains("fragment block 0"), r.out());
    }

    @Test
    void summaryHasOnlyTotals() throws Exception {
        CliTest.Run r = CliTest.run("sqfs", "chunks", "--summary", img.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("TOTAL BY KIND"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("data block ")), r.out());
    }

    @Test
    void jsonHasEveryChunkAndUse() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SqfsChunksCommand.stdout = bytes;
        CliTest.Run r = CliTest.run("sqfs", "chunks", "--json", img.toString());
        assertEquals(0, r.code(), r::toString);
        long at = 0;
        int dataUses = 0;
        Map<String, Long> top = new HashMap<>();
        List<String> kinds = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(bytes.toByteArray())) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("chunks")) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        long offset = -1;
                        long length = -1;
                        String kind = null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            p.nextToken();
                            switch (f) {
                                case "offset" -> offset = p.getLongValue();
                                case "length" -> length = p.getLongValue();
                                case "kind" -> kind = p.getText();
                                case "uses" -> {
                                    while (p.nextToken() == JsonToken.START_OBJECT) {
                                        p.skipChildren();
                                        dataUses++;
                                    }
                                }
                                default -> p.skipChildren();
                            }
                        }
                        assertEquals(at, offset);
                        at += length;
                        kinds.add(kind);
                    }
                } else if (p.currentToken().isNumeric()) {
                    top.put(name, p.getLongValue());
                } else {
                    p.skipChildren();
                }
            }
        }
        assertEquals(Files.size(img), at);
        assertEquals(Files.size(img), top.get("length"));
        assertTrue(kinds.contains("data_block") && kinds.contains("fragment_block") && kinds.contains("padding"),
                kinds::toString);
        // 3 full 128 KiB blocks in each 400000-byte file, 1 of file-131072, the tails of 4 files
        assertEquals(3 + 3 + 1 + 4, dataUses);
    }

    @Test
    void badInputAndUsage() throws Exception {
        Path notImage = Files.write(dir.resolve("not.sqfs"), new byte[4096]);
        CliTest.Run r = CliTest.run("sqfs", "chunks", notImage.toString());
        assertEquals(1, r.code(), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
        assertTrue(r.err().contains("not a SquashFS image"), r::toString);
        CliTest.Run both = CliTest.run("sqfs", "chunks", "--json", "--summary", img.toString());
        assertEquals(2, both.code(), both::toString);
    }
}
