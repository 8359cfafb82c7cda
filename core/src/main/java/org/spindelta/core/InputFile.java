package org.spindelta.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opening a command's input files with errors that name the file and its role (OLD, NEW, PATCH...). */
public final class InputFile {
    private InputFile() {}

    /**
     * Opens {@code file} for reading.
     *
     * @throws SpindeltaException naming {@code role} when the file is missing, a directory or unreadable
     */
    public static FileChannel open(Path file, String role) throws IOException {
        if (Files.isDirectory(file)) {
            throw new SpindeltaException(role + " " + file + " is a directory");
        }
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new SpindeltaException(role + " " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new SpindeltaException(role + " " + file + " is not readable (permission denied)");
        }
    }

    /**
     * Outputs replace their target by rename, so an input named as the output would be lost.
     *
     * @throws SpindeltaException when {@code output} is the same file as one of {@code inputs}
     */
    public static void refuseAsOutput(Path output, Path... inputs) throws IOException {
        for (Path in : inputs) {
            if (Files.exists(output) && Files.exists(in) && Files.isSameFile(output, in)) {
                throw new SpindeltaException("output " + output + " is also an input; choose another output file");
            }
        }
    }
}
