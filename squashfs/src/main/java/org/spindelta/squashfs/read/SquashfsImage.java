package org.spindelta.squashfs.read;

import static org.spindelta.squashfs.format.SquashfsConstants.METADATA_HEADER_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.SUPERBLOCK_SIZE;
import static org.spindelta.squashfs.format.SquashfsConstants.XATTR_ID_TABLE_HEADER_SIZE;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FormatException;
import org.spindelta.core.LittleEndian;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.format.CompressorOptions;
import org.spindelta.squashfs.format.SquashfsConstants;
import org.spindelta.squashfs.format.SuperBlock;

/**
 * An open SquashFS 4.0 image: its validated superblock and compressor options, and where its data
 * area lies. Opening reads 96 bytes plus the options block; tables are read on demand ({@link
 * FragmentTable#read}). Immutable and safe to share between threads; each thread decodes with its own
 * {@link #newDecompressor()}.
 */
public final class SquashfsImage implements Closeable {
    private final ImageSource source;
    private final SuperBlock superBlock;
    private final CompressorOptions storedOptions;
    private final long dataStart;

    private SquashfsImage(ImageSource source, SuperBlock superBlock, CompressorOptions storedOptions, long dataStart) {
        this.source = source;
        this.superBlock = superBlock;
        this.storedOptions = storedOptions;
        this.dataStart = dataStart;
    }

    /**
     * Opens the image filling {@code file}; {@link #close()} closes the file.
     *
     * @throws FormatException if the file is not a SquashFS image
     * @throws org.spindelta.core.UnsupportedFormatException for other versions, big-endian images or
     *     unknown compressors
     * @throws CorruptInputException if the superblock or compressor options are inconsistent
     */
    public static SquashfsImage open(Path file) throws IOException {
        ImageSource src = ImageSource.open(file);
        try {
            return open(src);
        } catch (IOException | RuntimeException e) {
            src.close();
            throw e;
        }
    }

    /**
     * Opens the image at {@code [offset, offset + length)} of {@code channel}, e.g. inside an ISO. The
     * channel remains the caller's to close.
     *
     * @throws IOException as {@link #open(Path)}: FormatException, UnsupportedFormatException or
     *     CorruptInputException; CorruptInputException also when the region runs past the end of the file
     */
    public static SquashfsImage open(FileChannel channel, long offset, long length) throws IOException {
        return open(ImageSource.region(channel, offset, length));
    }

    /** Opens the image {@code source} holds; closing the image closes the source. */
    public static SquashfsImage open(ImageSource source) throws IOException {
        byte[] sb = new byte[SUPERBLOCK_SIZE];
        if (source.length() < SUPERBLOCK_SIZE) {
            // Too short for a superblock: tell "not SquashFS" from "truncated SquashFS" by the magic.
            int have = (int) source.length();
            source.read(0, sb, 0, have, "superblock");
            if (have < 4 || LittleEndian.getInt(sb, 0) != SquashfsConstants.MAGIC) {
                throw new FormatException("not a SquashFS image: " + have + " bytes, shorter than the " + SUPERBLOCK_SIZE
                        + "-byte superblock");
            }
            throw new CorruptInputException("SquashFS image truncated: " + have + " bytes, shorter than the "
                    + SUPERBLOCK_SIZE + "-byte superblock");
        }
        source.read(0, sb, 0, SUPERBLOCK_SIZE, "superblock");
        SuperBlock s = SuperBlock.parse(sb, source.length());
        CompressorOptions stored = null;
        long dataStart = SUPERBLOCK_SIZE;
        if (s.compressorOptionsPresent()) {
            // mksquashfs stores the options block uncompressed; unsquashfs accepts either form.
            try (BlockDecompressor d = BlockDecompressor.forCompressor(s.compressor(), null)) {
                MetadataBlock block = MetadataBlock.read(source, SUPERBLOCK_SIZE, s.inodeTable(), d);
                stored = CompressorOptions.parse(s.compressor(), block.data(), block.length(),
                        SUPERBLOCK_SIZE + METADATA_HEADER_SIZE);
                dataStart = block.next();
            }
        }
        return new SquashfsImage(source, s, stored, dataStart);
    }

    public SuperBlock superBlock() {
        return superBlock;
    }

    /** The options block stored after the superblock (flag 0x400), if any. */
    public Optional<CompressorOptions> storedCompressorOptions() {
        return Optional.ofNullable(storedOptions);
    }

    /** The stored options, or the defaults mksquashfs leaves unstored. */
    public CompressorOptions compressorOptions() {
        return storedOptions != null ? storedOptions
                : CompressorOptions.defaults(superBlock.compressor(), superBlock.blockSize());
    }

    /** First byte of the data area: after the superblock and the options block. */
    public long dataStart() {
        return dataStart;
    }

    /** End of the data area (exclusive): the inode table start. Data and fragment blocks lie before it. */
    public long dataEnd() {
        return superBlock.inodeTable();
    }

    public ImageSource source() {
        return source;
    }

    /** A new decompressor for this image's blocks, for the calling thread only. */
    public BlockDecompressor newDecompressor() {
        return BlockDecompressor.forCompressor(superBlock.compressor(), compressorOptions());
    }

    /**
     * Reads the metadata block at {@code position}, which must end by {@code end} (at most bytes_used).
     *
     * @throws CorruptInputException as {@link MetadataBlock#read}
     */
    public MetadataBlock metadataBlock(long position, long end, BlockDecompressor decompressor) throws IOException {
        return MetadataBlock.read(source, position, Math.min(end, superBlock.bytesUsed()), decompressor);
    }

    /**
     * How many xattr ids the image has: the u32 count in the xattr id table header, 0 when there is no
     * table. This is what {@code unsquashfs -s} prints as "Number of xattr ids".
     */
    public long xattrIdCount() throws IOException {
        if (!superBlock.hasXattrIdTable()) {
            return 0;
        }
        byte[] h = new byte[XATTR_ID_TABLE_HEADER_SIZE];
        source.read(superBlock.xattrIdTable(), h, 0, h.length, "xattr id table header");
        return LittleEndian.getInt(h, 8) & 0xFFFF_FFFFL;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
