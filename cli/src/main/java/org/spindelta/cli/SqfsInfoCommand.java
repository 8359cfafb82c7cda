package org.spindelta.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.spindelta.squashfs.format.CompressorOptions;
import org.spindelta.squashfs.format.SquashfsConstants;
import org.spindelta.squashfs.format.SuperBlock;
import org.spindelta.squashfs.read.SquashfsImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code spindelta sqfs info IMAGE}: the superblock as {@code unsquashfs -s} prints it (times in UTC,
 * as with {@code unsquashfs -UTC}), followed by where each table starts.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Print an image's superblock like 'unsquashfs -s': compressor and its options, block size, "
                + "flags, sizes, counts, and the table positions.",
            "Only the superblock and the compressor options are read."})
final class SqfsInfoCommand implements Callable<Integer> {
    /** C's asctime() layout, which unsquashfs prints: "Thu Jan  1 00:00:00 1970". */
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "A SquashFS image file.")
    Path image;

    @Override
    public Integer call() throws Exception {
        SquashfsImage img = SqfsCommand.open(image);
        try (img) {
            print(spec.commandLine().getOut(), img);
        }
        return 0;
    }

    private void print(PrintWriter out, SquashfsImage img) throws java.io.IOException {
        SuperBlock s = img.superBlock();
        out.println("Found a valid SQUASHFS " + s.versionMajor() + ":" + s.versionMinor() + " superblock on " + image + ".");
        out.println("Creation or last append time " + ASCTIME.format(Instant.ofEpochSecond(s.modificationTime())));
        out.println("Filesystem size " + s.bytesUsed() + " bytes (" + scaled(s.bytesUsed(), 1024) + " Kbytes / "
                + scaled(s.bytesUsed(), 1024 * 1024) + " Mbytes)");
        out.println("Compression " + s.compressor().toolName());
        img.storedCompressorOptions().map(CompressorOptions::describe).filter(d -> !d.isEmpty()).ifPresent(out::println);
        out.println("Block size " + s.blockSize());
        out.println("Filesystem is " + (s.exportable() ? "" : "not ") + "exportable via NFS");
        out.println("Inodes are " + (s.inodesUncompressed() ? "un" : "") + "compressed");
        out.println("Data is " + (s.dataUncompressed() ? "un" : "") + "compressed");
        out.println("Uids/Gids (Id table) are " + (s.inodesUncompressed() || s.idsUncompressed() ? "un" : "")
                + "compressed");
        if (s.noFragments()) {
            out.println("Fragments are not stored");
        } else {
            out.println("Fragments are " + (s.fragmentsUncompressed() ? "un" : "") + "compressed");
            out.println("Always-use-fragments option is " + (s.alwaysFragments() ? "" : "not ") + "specified");
        }
        if (s.noXattrs()) {
            out.println("Xattrs are not stored");
        } else {
            out.println("Xattrs are " + (s.xattrsUncompressed() ? "un" : "") + "compressed");
        }
        out.println("Duplicates are " + (s.duplicatesRemoved() ? "" : "not ") + "removed");
        out.println("Number of fragments " + s.fragmentCount());
        out.println("Number of inodes " + s.inodeCount());
        out.println("Number of ids " + s.idCount());
        if (!s.noXattrs()) {
            out.println("Number of xattr ids " + img.xattrIdCount());
        }
        out.println(String.format(Locale.ROOT, "Root inode reference 0x%x (block %d, offset %d)", s.rootInodeRef(),
                s.rootInodeRef() >>> 16, s.rootInodeRef() & 0xFFFF));
        out.println("Data area " + img.dataStart() + " to " + img.dataEnd());
        out.println("Inode table start " + table(s.inodeTable()));
        out.println("Directory table start " + table(s.directoryTable()));
        out.println("Fragment table start " + table(s.fragmentTable()));
        out.println("Export table start " + table(s.exportTable()));
        out.println("Id table start " + table(s.idTable()));
        out.println("Xattr id table start " + table(s.xattrIdTable()));
        out.flush();
    }

    private static String table(long position) {
        return position == SquashfsConstants.NO_TABLE ? "none"
                : String.format(Locale.ROOT, "%d (0x%x)", position, position);
    }

    /**
     * {@code bytes / unit} to two decimals as C's printf("%.2f") rounds it: the quotient is an exact
     * binary fraction, and glibc rounds its exact value half to even (Java's %.2f rounds half up).
     */
    static String scaled(long bytes, long unit) {
        return new BigDecimal(bytes).divide(BigDecimal.valueOf(unit)).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }
}
