package org.spindelta.jigdo.rebuild;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FileDigest;
import org.spindelta.core.InputFile;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;
import org.spindelta.core.VerificationException;
import org.spindelta.jigdo.checksum.ChecksumPipeline;
import org.spindelta.jigdo.format.DataPartReader;
import org.spindelta.jigdo.format.DescEntry;
import org.spindelta.jigdo.format.DescEntryType;
import org.spindelta.jigdo.format.Template;

/**
 * Builds an image, or a byte range of it, from a template and the part files a {@link PartLocator}
 * found. Streaming: DESC entries in order, unmatched bytes decompressed part by part, part files read
 * sequentially in 1 MiB buffers; the image and each part are checksummed on two more threads
 * ({@link ChecksumPipeline}) while the next buffer is read and written. Memory is about 16 MiB whatever
 * the image size.
 */
public final class ImageAssembler {
    private ImageAssembler() {}

    /** The image built: its length and checksum (verified against the template's). */
    public record Result(long length, byte[] checksum) {}

    /** The parts the whole image needs. */
    public static Set<PartKey> needed(Template t) {
        return needed(t, new ByteRange(0, Math.max(0, t.imageLength() - 1)));
    }

    /** The parts the bytes of {@code range} need. */
    public static Set<PartKey> needed(Template t, ByteRange range) {
        Set<PartKey> keys = new LinkedHashSet<>();
        if (t.imageLength() == 0) {
            return keys;
        }
        for (int i = t.entryAt(range.first()); i < t.entryCount(); i++) {
            DescEntry e = t.entry(i);
            if (e.type().isImageInfo()) {
                continue;
            }
            if (e.imageOffset() > range.last()) {
                break;
            }
            if (e.type().isMatched()) {
                keys.add(PartKey.of(e));
            }
        }
        return keys;
    }

    /**
     * Writes the whole image to {@code out} from its current position, checking the image's checksum, which
     * covers every part's bytes. Parts are not hashed on the way (that was a second digest pass over nearly
     * every byte: make-image took 9.9 s against jigit-mkimage's 8.5 s on a 1.36 GB ISO); only when the
     * image's checksum is wrong are they hashed, to name the part that is not what the template wants.
     *
     * @throws VerificationException if the image does not have the template's checksum, naming the first
     *     part with a wrong one if there is such a part
     * @throws CorruptInputException if the template's data does not decompress, or a part file changed size
     */
    public static Result assemble(FileChannel template, Template t, Map<PartKey, PartFile> parts, FileChannel out,
            Progress progress) throws IOException {
        progress.start("make-image", t.imageLength());
        try (ChecksumPipeline sums = new ChecksumPipeline(t.checksumKind());
                DataPartReader data = new DataPartReader(template, t)) {
            data.seek(0);
            for (DescEntry e : t.entries()) {
                if (e.type() == DescEntryType.UNMATCHED) {
                    for (long done = 0; done < e.length(); ) {
                        byte[] buf = sums.take();
                        int n = (int) Math.min(buf.length, e.length() - done);
                        data.readFully(buf, 0, n);
                        writeFully(out, buf, n);
                        sums.submit(buf, n, false);
                        done += n;
                        progress.advance(n);
                    }
                } else if (e.type().isMatched()) {
                    try (OpenPart in = openPart(parts.get(PartKey.of(e)), e)) {
                        for (long done = 0; done < e.length(); ) {
                            byte[] buf = sums.take();
                            int n = (int) Math.min(buf.length, e.length() - done);
                            ChannelInput.readFully(in.channel(), in.offset() + done, buf, 0, n, in.name());
                            writeFully(out, buf, n);
                            sums.submit(buf, n, false);
                            done += n;
                            progress.advance(n);
                        }
                    }
                }
            }
            byte[] sum = sums.finish();
            DescEntry info = t.imageInfo();
            if (!Sha256.equal(sum, info.checksum())) {
                badPart(t, parts);
                throw new VerificationException("the rebuilt image has " + t.checksumKind().label() + " "
                        + Sha256.hex(sum) + " but the template says " + Sha256.hex(info.checksum()));
            }
            return new Result(t.imageLength(), sum);
        }
    }

    /**
     * After a wrong image checksum: hashes the parts in image order and throws for the first whose checksum
     * is not the template's (it changed, or a same-sized wrong file was taken); returns if all are right.
     */
    private static void badPart(Template t, Map<PartKey, PartFile> parts) throws IOException {
        for (DescEntry e : t.entries()) {
            if (!e.type().isMatched()) {
                continue;
            }
            try (OpenPart in = openPart(parts.get(PartKey.of(e)), e)) {
                byte[] got = FileDigest.of(in.channel(), in.offset(), e.length(), t.checksumKind().newDigest(),
                        Progress.NONE);
                if (!Sha256.equal(got, e.checksum())) {
                    throw new VerificationException(in.name() + " (image bytes " + e.imageOffset() + "-"
                            + (e.imageEnd() - 1) + ") has " + t.checksumKind().label() + " " + Sha256.hex(got)
                            + " but the template wants " + Sha256.hex(e.checksum()));
                }
            }
        }
    }

    /** Where a range's bytes go: a file for make-image, a response body for the server. */
    @FunctionalInterface
    public interface ByteSink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    /**
     * Opens the file holding a matched entry's bytes, checked to hold the entry's length; the server checks
     * the part's checksum here too, before any of its bytes are written.
     */
    @FunctionalInterface
    public interface PartOpener {
        OpenPart open(DescEntry matched) throws IOException;
    }

    /**
     * An opened part: the channel, where the part's bytes start in it (0 for a whole file, the range's
     * first byte for a part of a base image), and its name for messages.
     */
    public record OpenPart(FileChannel channel, long offset, String name) implements java.io.Closeable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * Writes exactly the image bytes {@code range} to {@code out}, touching only the DESC entries and DATA
     * parts that hold them. Part files are checked for their length only: their checksums, and the image's,
     * cover whole files.
     *
     * @throws IllegalArgumentException if the range ends past the image
     */
    public static void writeRange(FileChannel template, Template t, Map<PartKey, PartFile> parts, ByteRange range,
            WritableByteChannel out, Progress progress) throws IOException {
        range.checkWithin(t.imageLength());
        try (DataPartReader data = new DataPartReader(template, t)) {
            writeRange(data, t, e -> openPart(parts.get(PartKey.of(e)), e), range,
                    (b, off, n) -> writeFully(out, ByteBuffer.wrap(b, off, n)), new byte[ChecksumPipeline.BUFFER_SIZE],
                    progress);
        }
    }

    /**
     * Writes exactly the image bytes {@code range} to {@code out} through {@code buf}, reading unmatched bytes
     * with {@code data} (positioned here as needed) and each matched entry's bytes from the file {@code parts}
     * opens, just before the first of them is written. Allocates nothing per byte; a caller serving many
     * ranges reuses {@code data} and {@code buf}.
     *
     * @throws IllegalArgumentException if the range ends past the image
     */
    public static void writeRange(DataPartReader data, Template t, PartOpener parts, ByteRange range, ByteSink out,
            byte[] buf, Progress progress) throws IOException {
        range.checkWithin(t.imageLength());
        progress.start("range", range.length());
        long end = range.last() + 1;
        long dataPos = -1;
        for (int i = t.entryAt(range.first()); i < t.entryCount(); i++) {
            DescEntry e = t.entry(i);
            if (e.type().isImageInfo() || e.length() == 0) {
                continue;
            }
            if (e.imageOffset() >= end) {
                break;
            }
            long from = Math.max(range.first(), e.imageOffset());
            long to = Math.min(end, e.imageEnd());
            if (e.type() == DescEntryType.UNMATCHED) {
                long at = t.dataOffset(i) + (from - e.imageOffset());
                if (at != dataPos) {
                    data.seek(at);
                }
                for (long p = from; p < to; ) {
                    int n = (int) Math.min(buf.length, to - p);
                    data.readFully(buf, 0, n);
                    out.write(buf, 0, n);
                    p += n;
                    progress.advance(n);
                }
                dataPos = at + (to - from);
            } else {
                try (OpenPart in = parts.open(e)) {
                    for (long p = from; p < to; ) {
                        int n = (int) Math.min(buf.length, to - p);
                        ChannelInput.readFully(in.channel(), in.offset() + p - e.imageOffset(), buf, 0, n, in.name());
                        out.write(buf, 0, n);
                        p += n;
                        progress.advance(n);
                    }
                }
            }
        }
    }

    /**
     * Opens {@code file} as the part of matched entry {@code e}.
     *
     * @throws CorruptInputException if it does not hold the entry's length (a whole file: exactly)
     */
    public static OpenPart openPart(PartFile file, DescEntry e) throws IOException {
        FileChannel in = InputFile.open(file.file(), "part");
        long size = in.size();
        if (file.whole() ? size != e.length() : size - file.offset() < e.length()) {
            in.close();
            throw new CorruptInputException("part " + file.describe(e.length()) + ": the file has " + size
                    + " bytes; the template needs " + e.length() + " at image offset " + e.imageOffset());
        }
        return new OpenPart(in, file.offset(), "part " + file.describe(e.length()));
    }

    private static void writeFully(WritableByteChannel out, byte[] b, int n) throws IOException {
        writeFully(out, ByteBuffer.wrap(b, 0, n));
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer bb) throws IOException {
        while (bb.hasRemaining()) {
            out.write(bb);
        }
    }
}
