package org.spindelta.squashfs.extract;

import java.util.ArrayList;
import java.util.List;
import org.spindelta.core.ByteSize;

/**
 * What an extraction created, and what it left out ({@link #notes()}: device nodes and attributes an
 * ordinary user cannot create, xattrs the file system refused), one line each.
 *
 * @param bytes total size of the regular files, holes included
 */
public record ExtractSummary(long files, long bytes, long directories, long symlinks, long hardLinks, long devices,
        long fifos, long sockets, List<String> notes) {
    public ExtractSummary {
        notes = List.copyOf(notes);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add(count(files, "file") + " (" + ByteSize.format(bytes) + ")");
        parts.add(count(directories, "directory", "directories"));
        parts.add(count(symlinks, "symlink"));
        parts.add(count(hardLinks, "hard link"));
        if (devices > 0) {
            parts.add(count(devices, "device"));
        }
        if (fifos > 0) {
            parts.add(count(fifos, "fifo"));
        }
        if (sockets > 0) {
            parts.add(count(sockets, "socket"));
        }
        return "extracted " + String.join(", ", parts);
    }

    private static String count(long n, String one) {
        return count(n, one, one + "s");
    }

    private static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
