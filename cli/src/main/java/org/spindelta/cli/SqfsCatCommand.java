package org.spindelta.cli;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.read.FileReader;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code spindelta sqfs cat IMAGE PATH}: writes a regular file's bytes to standard output, unchanged. A
 * directory, symlink (not followed), device, fifo or socket, or a missing PATH is an error (exit 1).
 */
@Command(name = "cat", mixinStandardHelpOptions = true,
        description = "Write the bytes of a regular file in the image to standard output.")
final class SqfsCatCommand implements Callable<Integer> {
    /**
     * Where the bytes go: System.out by default. picocli's out is a PrintWriter, which would re-encode
     * binary data, so tests capture bytes by replacing this stream.
     */
    static OutputStream stdout = System.out;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "A SquashFS image file.")
    Path image;

    @Parameters(index = "1", paramLabel = "PATH", description = "A regular file in the image.")
    String path;

    @Override
    public Integer call() throws Exception {
        for (String part : path.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                throw new ParameterException(spec.commandLine(), "PATH may not contain '.' or '..': " + path);
            }
        }
        SquashfsImage img = SqfsCommand.open(image);
        try (img; SquashfsTree tree = SquashfsTree.open(img); FileReader reader = FileReader.open(img)) {
            Optional<SquashfsTree.Node> found = tree.lookup(path);
            if (found.isEmpty()) {
                throw new SpindeltaException("no such file in " + image + ": " + path);
            }
            Inode inode = found.get().inode();
            if (!(inode instanceof Inode.File file)) {
                throw new SpindeltaException(path + " is " + kind(inode) + ", not a regular file");
            }
            OutputStream out = new BufferedOutputStream(stdout, 1 << 16);
            reader.readFully(file, found.get().path(), out);
            out.flush();
        }
        return 0;
    }

    private static String kind(Inode inode) {
        if (inode instanceof Inode.Directory) {
            return "a directory";
        }
        if (inode instanceof Inode.Symlink) {
            return "a symbolic link";
        }
        if (inode instanceof Inode.Device) {
            return "a device";
        }
        return "a fifo or socket";
    }
}
