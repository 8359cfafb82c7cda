package org.spindelta.squashfs.extract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spindelta.core.CorruptInputException;

/**
 * The second line of defence, below the reader's own checks: whatever names reach extraction, a name
 * is one plain component, nothing is created over an existing name (a planted symlink included), a
 * symlink is never entered as a directory, and a failed extraction's temporary tree is removed without
 * following its symlinks.
 */
class ExtractSafetyTest {
    @TempDir
    Path dir;
    private Path outside;
    private Path root;
    private int rootFd;

    @BeforeEach
    void setUp() throws Exception {
        PosixCalls.requireSupported();
        outside = Files.createDirectories(dir.resolve("outside"));
        root = Files.createDirectories(dir.resolve("root"));
        // "a" is what a hostile image's first entry would leave: a symlink to a directory elsewhere
        Files.createSymbolicLink(root.resolve("a"), outside);
        rootFd = PosixCalls.openDirectory(root.toString());
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void assertOutsideUntouched() throws Exception {
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(List.of(), s.toList());
        }
    }

    @Test
    void aSymlinkIsNeverEnteredAsADirectory() throws Exception {
        Attributes none = new Attributes(0755, 0, 0, 0, List.of());
        OutputDirectory a = OutputDirectory.root(none).child(b("a"), "a", none);
        try (DirectoryChain chain = new DirectoryChain(rootFd)) {
            PosixCallException e = assertThrows(PosixCallException.class, () -> chain.fd(a));
            assertTrue(e.getMessage().startsWith("cannot open directory a: "), e::getMessage);
        } finally {
            PosixCalls.close(rootFd);
        }
        assertOutsideUntouched();
    }

    @Test
    void nothingIsCreatedOverAPlantedSymlink() throws Exception {
        try {
            assertEquals(Libc.EEXIST, assertThrows(PosixCallException.class,
                    () -> PosixCalls.createFile(rootFd, b("a"), "a")).errno());
            assertEquals(Libc.EEXIST, assertThrows(PosixCallException.class,
                    () -> PosixCalls.makeDirectory(rootFd, b("a"), "a")).errno());
            assertEquals(Libc.EEXIST, assertThrows(PosixCallException.class,
                    () -> PosixCalls.symlink(b("/etc"), rootFd, b("a"), "a")).errno());
            assertEquals(Libc.EEXIST, assertThrows(PosixCallException.class,
                    () -> PosixCalls.makeNode(rootFd, b("a"), Libc.S_IFIFO | 0600, 0, "a")).errno());
            // a dangling symlink too: O_CREAT | O_EXCL never creates its target
            Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("created-through-a-link"));
            assertEquals(Libc.EEXIST, assertThrows(PosixCallException.class,
                    () -> PosixCalls.createFile(rootFd, b("dangling"), "dangling")).errno());
        } finally {
            PosixCalls.close(rootFd);
        }
        assertOutsideUntouched();
        assertEquals(outside, Files.readSymbolicLink(root.resolve("a")));
    }

    @Test
    void attributesOfASymlinkAreSetOnTheSymlink() throws Exception {
        long outsideTime = Files.getLastModifiedTime(outside).toMillis();
        try {
            new AttributeWriter(true).symlink(rootFd, b("a"), new Attributes(0777, 0, 0, 1234567890L, List.of()),
                    "a");
        } finally {
            PosixCalls.close(rootFd);
        }
        assertEquals(1234567890L * 1000, Files.getLastModifiedTime(root.resolve("a"), LinkOption.NOFOLLOW_LINKS)
                .toMillis());
        assertEquals(outsideTime, Files.getLastModifiedTime(outside).toMillis());
    }

    @Test
    void aFailedExtractionRemovesItsTreeWithoutFollowingSymlinks() throws Exception {
        PosixCalls.close(rootFd);
        Files.writeString(outside.resolve("precious"), "keep\n");
        Path target = dir.resolve("out");
        int fd;
        try (StagedDirectory staged = StagedDirectory.create(target)) {
            fd = staged.rootFd();
            PosixCalls.makeDirectory(fd, b("d"), "d");
            int d = PosixCalls.openDirectory(fd, b("d"), "d");
            PosixCalls.close(PosixCalls.createFile(d, b("f"), "d/f"));
            PosixCalls.symlink(b(outside.toString()), d, b("link"), "d/link");
            PosixCalls.makeDirectory(d, b("read-only"), "d/read-only");
            PosixCalls.close(d);
            PosixCalls.chmodNode(fd, b("d"), 0500);
            assertEquals(0, PosixCalls.chmod(fd, 0));
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(outside.getFileName().toString(), "root"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "only what was there before");
        }
        assertEquals("keep\n", Files.readString(outside.resolve("precious")));
    }

    @Test
    void aCommittedTreeReplacesAnEmptyDirectory() throws Exception {
        PosixCalls.close(rootFd);
        Path target = Files.createDirectories(dir.resolve("empty"));
        try (StagedDirectory staged = StagedDirectory.create(target)) {
            PosixCalls.close(PosixCalls.createFile(staged.rootFd(), b("f"), "f"));
            staged.commit();
        }
        assertTrue(Files.isRegularFile(target.resolve("f")));
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().contains("spindelta")), "no temporary left");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "/", "a\0b"})
    void namesThatAreNotOneComponentAreRefused(String name) {
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> EntryName.check(b(name), "dir"));
        assertTrue(e.getMessage().startsWith("directory \"dir\" has an entry"), e::getMessage);
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void nameLengthIsBoundedBySquashfs() {
        assertDoesNotThrow(() -> EntryName.check(b("n".repeat(256)), ""));
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> EntryName.check(b("n".repeat(257)), ""));
        assertEquals("directory \"/\" has an entry name of 257 bytes, outside [1, 256]", e.getMessage());
    }

    @Test
    void printableNamesStayOnOneLine() {
        assertEquals("new\\x0aline", EntryName.printable(b("new\nline")));
        assertEquals("café", EntryName.printable(b("café")));
        assertEquals("latin1-\\xe9", EntryName.printable(new byte[] {'l', 'a', 't', 'i', 'n', '1', '-', (byte) 0xE9}));
        assertEquals("back\\x5cslash", EntryName.printable(b("back\\slash")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/usr", "", "a/../b", "./a", "a//b", "a/."})
    void pathsMustBeRelativeAndPlain(String path) {
        assertThrows(IllegalArgumentException.class, () -> ExtractOptions.defaults().withPaths(List.of(path)));
    }

    @Test
    void pathsMayEndWithASlash() {
        assertEquals(List.of("usr", "bin"), ExtractOptions.components("usr/bin/"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, ExtractOptions.MAX_THREADS + 1})
    void threadsAreBounded(int n) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExtractOptions.defaults().withThreads(n));
        assertEquals("threads must be in [1, 256], not " + n, e.getMessage());
    }

    /** new_encode_dev's packing (what SquashFS stores) to glibc's makedev, for small and large numbers. */
    @Test
    void deviceNumbersDecodeAsTheKernelPacksThem() {
        assertEquals(0x103L, TreeExtractor.deviceNumber(0x103));
        // major 300, minor 70000: SquashFS stores 0x70 | 300 << 8 | (70000 & ~0xff) << 12
        long stored = 0x70 | 300 << 8 | (70000L & ~0xFF) << 12;
        assertEquals(0x11112C70L, stored);
        assertEquals(0x11112C70L, TreeExtractor.deviceNumber(stored));
        assertArrayEquals(new byte[] {'a', 0}, Libc.cString(b("a")));
    }
}
