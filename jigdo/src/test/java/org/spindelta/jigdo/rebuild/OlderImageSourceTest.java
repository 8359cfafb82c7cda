package org.spindelta.jigdo.rebuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.spindelta.core.Progress;
import org.spindelta.jigdo.TestImages;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.make.MakeTemplate;
import org.spindelta.jigdo.match.ChecksumList;
import org.spindelta.jigdo.match.LabelDirectory;
import org.spindelta.jigdo.template.TemplateOptions;

/**
 * An older ISO of the same series as a source of parts: the shared ISO's template is rebuilt from an
 * xorriso ISO of an older copy of its tree (one file changed at the same size, one missing), which offers
 * its files at their extents; the changed file is not taken for the part of its size.
 */
class OlderImageSourceTest {
    @Test
    void partsComeFromTheFilesOfAnOlderIso() throws Exception {
        TestImages t = TestImages.get();
        Path dir = Files.createDirectories(t.dir.resolve("older-image"));
        Map<Long, Long> sizes = t.files().stream().collect(Collectors.groupingBy(f -> f.toFile().length(),
                Collectors.counting()));
        List<Path> unique = t.files().stream().filter(f -> f.toFile().length() >= 4096 && sizes.get(f.toFile().length()) == 1)
                .toList();
        Path changed = unique.get(0);
        Path gone = unique.get(unique.size() / 2);
        Path oldTree = dir.resolve("old-tree");
        for (Path f : t.files()) {
            if (f.equals(gone)) {
                continue;
            }
            Path to = oldTree.resolve(t.tree.relativize(f));
            Files.createDirectories(to.getParent());
            Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
        byte[] b = Files.readAllBytes(changed);
        b[b.length / 3] ^= 0x20; // same size, other bytes: a stranger for the part of that size
        Files.write(oldTree.resolve(t.tree.relativize(changed)), b);
        Path oldIso = dir.resolve("old.iso");
        TestImages.run(dir, "xorriso", "-as", "mkisofs", "-R", "-J", "-V", "OLD", "-o", oldIso.toString(),
                oldTree.toString());

        // the new image's template, its label served from nowhere: parts can only come from --source
        Path jigdo = dir.resolve("new.jigdo");
        MakeTemplate.Options o = new MakeTemplate.Options(List.of(LabelDirectory.parse("Tree=" + t.tree)),
                Map.of("Tree", List.of("file:/nonexistent/")), 1024, List.of(), ChecksumList.empty(),
                TemplateOptions.of(ChecksumKind.MD5), false, Optional.empty(), Optional.empty(), 2);
        MakeTemplate.make(t.iso, jigdo, dir.resolve("new.template"), o, Progress.NONE);

        try (RebuildInput in = RebuildInput.open(jigdo, Optional.empty())) {
            Path out = dir.resolve("rebuilt.iso");
            MissingPartsException e = assertThrows(MissingPartsException.class,
                    () -> MakeImage.image(in, PartSources.parse(List.of(oldIso.toString())), out, Progress.NONE));
            List<String> names = e.missing().stream().map(m -> m.substring(m.lastIndexOf('/') + 1)).toList();
            assertEquals(2, e.missing().size(), e.missing().toString());
            assertTrue(names.stream().anyMatch(n -> n.startsWith(changed.getFileName().toString())), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.startsWith(gone.getFileName().toString())), names.toString());
            assertFalse(Files.exists(out));

            // every other part is read from the old ISO's extents; the two it lacks from a directory
            Path extra = Files.createDirectories(dir.resolve("extra"));
            Files.copy(changed, extra.resolve("a"));
            Files.copy(gone, extra.resolve("b"));
            PartSources sources = PartSources.parse(List.of(oldIso.toString(), extra.toString()));
            Map<PartKey, PartFile> parts = in.locator(sources).locate(ImageAssembler.needed(in.template()), Progress.NONE);
            Map<Path, Long> byFile = parts.values().stream().collect(Collectors.groupingBy(PartFile::file,
                    Collectors.counting()));
            assertEquals(2L, byFile.get(extra.resolve("a")) + byFile.get(extra.resolve("b")), byFile.toString());
            assertEquals(parts.size() - 2, byFile.get(oldIso).longValue(), byFile.toString());
            MakeImage.image(in, sources, out, Progress.NONE);
            assertEquals(-1, Files.mismatch(out, t.iso));
        }
    }
}
