package org.spindelta.squashfs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A tree exercising every inode kind and the directory layouts mksquashfs can write: files of edge sizes,
 * a sparse file, hard links, a symlink, a 255-byte name, 40 nested directories, a 600-entry directory
 * (several headers and an ext inode with a directory index), a fifo, a char device and a file with an
 * xattr (the last two only where the host allows them), plus a small real tree.
 */
final class ListingTrees {
    private ListingTrees() {}

    static final String LONG_NAME = "n".repeat(255);
    static final String SYMLINK_TARGET = "symlink-target-text";
    static final int SPARSE_SIZE = 3_000_000;
    static final int MANY = 600;
    static final int DEPTH = 40;

    /** What the host let us create. */
    record Built(Path root, boolean device, boolean xattr) {
    }

    static Built build(Path root) throws IOException, InterruptedException {
        Path gen = Files.createDirectories(root.resolve("gen"));
        SplittableRandom r = new SplittableRandom(7);
        for (int size : List.of(0, 1, 4095, 4096, 131072, 131073, 270000)) {
            byte[] b = new byte[size];
            for (int i = 0; i < size; i++) {
                b[i] = (byte) (i % 97 < 60 ? 'a' + r.nextInt(6) : r.nextInt(256));
            }
            Files.write(gen.resolve("size-" + size), b);
        }
        try (RandomAccessFile f = new RandomAccessFile(gen.resolve("sparse").toFile(), "rw")) {
            f.setLength(SPARSE_SIZE);
            f.seek(SPARSE_SIZE / 2);
            f.write(1);
        }
        Files.writeString(gen.resolve("hard-a"), "hard linked\n");
        Files.createLink(gen.resolve("hard-b"), gen.resolve("hard-a"));
        Files.createSymbolicLink(gen.resolve("link"), Path.of(SYMLINK_TARGET));
        Files.writeString(gen.resolve(LONG_NAME), "long name\n");
        Path d = gen.resolve("nest");
        for (int i = 0; i < DEPTH; i++) {
            d = d.resolve(String.format("level-%02d-with-a-longer-name", i));
        }
        Files.createDirectories(d);
        Files.writeString(d.resolve("bottom"), "deep\n");
        Path many = Files.createDirectories(gen.resolve("many"));
        for (int i = 0; i < MANY; i++) {
            Files.writeString(many.resolve(String.format("entry-%04d-padding", i)), i % 3 == 0 ? "" : "v" + i);
        }
        Path owned = gen.resolve("owned-by-12345");
        Files.writeString(owned, "owner\n");
        run("chown", "12345:54321", owned.toString());
        Path suid = gen.resolve("setuid");
        Files.writeString(suid, "#!/bin/sh\n");
        run("chmod", "4754", suid.toString());
        Path sticky = Files.createDirectories(gen.resolve("sticky"));
        run("chmod", "1777", sticky.toString());
        run("mkfifo", gen.resolve("fifo").toString());
        boolean device = run("mknod", gen.resolve("chardev").toString(), "c", "1", "3");
        boolean xattr;
        Path withXattr = gen.resolve("with-xattr");
        Files.writeString(withXattr, "xattr\n");
        try {
            Files.getFileAttributeView(withXattr, UserDefinedFileAttributeView.class)
                    .write("x", ByteBuffer.wrap("value".getBytes(StandardCharsets.UTF_8)));
            xattr = true;
        } catch (IOException | UnsupportedOperationException | NullPointerException e) {
            xattr = false;
        }
        long[] budget = {400_000};
        TestTrees.copyTree(Path.of("/usr/lib/python3.11/json"), root.resolve("real/json"), budget);
        TestTrees.copyTree(Path.of("/usr/share/perl5"), root.resolve("real/perl5"), budget);
        return new Built(root, device, xattr);
    }

    private static boolean run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor() == 0;
    }
}
