package org.spindelta.jigdo.template;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.spindelta.core.LittleEndian;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.format.DescEntryType;
import org.spindelta.jigdo.format.Rsync64Sum;
import org.spindelta.jigdo.format.TemplateFormat;

/**
 * Writes a {@code .template} file from an image described in order, as a stream of unmatched bytes
 * and matched files (reference jigdo.md section 1; jigdo's TechDetails.txt):
 *
 * <pre>
 * try (TemplateWriter w = TemplateWriter.open(out, TemplateOptions.defaults())) {
 *     w.unmatched(bytes, 0, n);                       // image bytes kept in the template
 *     w.matched(fileLength, rsync64, md5);            // a file the client fetches
 *     ...
 *     TemplateSummary s = w.finish(imageMd5);         // DESC, with the image-info entry
 * }
 * </pre>
 *
 * Consecutive unmatched bytes become one type-2 entry; they are buffered and written as DATA parts of
 * {@link TemplateOptions#dataPartSize()} uncompressed bytes (the last may be smaller), each an independent
 * zlib stream ({@link PartCompressor}: libdeflate where installed). Matched files become type-6 (MD5) or type-9 (SHA-256) entries. {@link #finish} appends the
 * image-info entry (type 5 or 8, block length {@value TemplateFormat#DEFAULT_BLOCK_LENGTH}) and the DESC
 * part. Output is streamed: the writer holds one part's buffer, its compressed form and the DESC entries
 * (31 or 47 bytes per matched file).
 *
 * <p>jigdo-file, jigit-mkimage and libjte accept what this writes (the interop tests check it). Not
 * thread-safe.
 */
public final class TemplateWriter implements Closeable {
    private static final String COMMENT = "Written by spindelta; the format is jigdo's, see jigdo-file(1).";

    private final OutputStream out;
    private final TemplateOptions options;
    private final MessageDigest md5 = ChecksumKind.MD5.newDigest();
    private final MessageDigest sha256 = ChecksumKind.SHA256.newDigest();
    private final ByteArrayOutputStream desc = new ByteArrayOutputStream();
    private final byte[] data;
    private int dataFill;
    private final PartCompressor compressor;
    private long written;
    private long imageLength;
    private long pendingUnmatched;
    private long unmatchedBytes;
    private int matchedEntries;
    private boolean finished;

    private TemplateWriter(OutputStream out, TemplateOptions options) {
        this.out = out;
        this.options = options;
        this.data = new byte[options.dataPartSize()];
        this.compressor = PartCompressor.create(options.compressionLevel());
    }

    /** Starts a template on {@code out}, writing its header. {@code out} is not closed by this writer. */
    public static TemplateWriter open(OutputStream out, TemplateOptions options) throws IOException {
        TemplateWriter w = new TemplateWriter(out, options);
        w.write(ascii(TemplateFormat.HEADER_PREFIX + options.version() + " " + options.creator() + "\r\n"
                + COMMENT + "\r\n\r\n"));
        return w;
    }

    public TemplateOptions options() {
        return options;
    }

    /** Bytes of the image described so far. */
    public long imageLength() {
        return imageLength;
    }

    /** Appends {@code len} image bytes that no part supplies; they go into DATA parts. */
    public void unmatched(byte[] b, int off, int len) throws IOException {
        checkOpen();
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        checkImageLength(len);
        int done = 0;
        while (done < len) {
            int k = Math.min(len - done, data.length - dataFill);
            System.arraycopy(b, off + done, data, dataFill, k);
            dataFill += k;
            done += k;
            if (dataFill == data.length) {
                flushData();
            }
        }
        pendingUnmatched += len;
        unmatchedBytes += len;
        imageLength += len;
    }

    /**
     * Appends a matched file (or any part a client fetches whole): its length, the {@link Rsync64Sum} of
     * its first {@value TemplateFormat#DEFAULT_BLOCK_LENGTH} bytes (see {@link #rsync64Of}) and its
     * checksum of the options' kind.
     *
     * @throws IllegalArgumentException if the length is not positive, the sums have the wrong lengths, or
     *     the image would pass the format's 48-bit limit
     */
    public void matched(long length, byte[] rsync64, byte[] checksum) throws IOException {
        checkOpen();
        if (length <= 0) {
            throw new IllegalArgumentException("matched part length " + length + " must be positive");
        }
        if (rsync64.length != Rsync64Sum.LENGTH || checksum.length != options.checksum().length()) {
            throw new IllegalArgumentException("matched part needs an 8-byte rsync64 sum and a "
                    + options.checksum().length() + "-byte " + options.checksum().label() + ", got "
                    + rsync64.length + " and " + checksum.length + " bytes");
        }
        checkImageLength(length);
        flushUnmatchedEntry();
        desc.write(DescEntryType.matched(options.checksum()).value());
        writeUint48(desc, length);
        desc.writeBytes(rsync64);
        desc.writeBytes(checksum);
        imageLength += length;
        matchedEntries++;
    }

    /**
     * Ends the template: the last DATA part, then DESC with the image-info entry. Returns the sizes and
     * checksums for the {@code .jigdo} file.
     *
     * @param imageChecksum the checksum (of the options' kind) of the whole image
     */
    public TemplateSummary finish(byte[] imageChecksum) throws IOException {
        checkOpen();
        if (imageChecksum.length != options.checksum().length()) {
            throw new IllegalArgumentException("image checksum has " + imageChecksum.length + " bytes; "
                    + options.checksum().label() + " has " + options.checksum().length());
        }
        if (dataFill > 0) {
            flushData();
        }
        flushUnmatchedEntry();
        desc.write(DescEntryType.imageInfo(options.checksum()).value());
        writeUint48(desc, imageLength);
        desc.writeBytes(imageChecksum);
        byte[] block = new byte[4];
        LittleEndian.putInt(block, 0, TemplateFormat.DEFAULT_BLOCK_LENGTH);
        desc.writeBytes(block);
        long descLen = (long) desc.size() + TemplateFormat.DESC_OVERHEAD;
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        part.writeBytes(TemplateFormat.ID_DESC);
        writeUint48(part, descLen);
        desc.writeTo(part);
        writeUint48(part, descLen);
        write(part.toByteArray());
        finished = true;
        return new TemplateSummary(written, md5.digest(), sha256.digest(), options.checksum(), imageLength,
                imageChecksum.clone(), matchedEntries, unmatchedBytes);
    }

    /**
     * The rsync64 sum a matched entry records for a part whose first bytes are {@code head}: over the first
     * {@value TemplateFormat#DEFAULT_BLOCK_LENGTH} bytes, or the whole part if it is shorter.
     */
    public static byte[] rsync64Of(byte[] head, int len) {
        return Rsync64Sum.of(head, 0, Math.min(len, TemplateFormat.DEFAULT_BLOCK_LENGTH));
    }

    private void flushUnmatchedEntry() {
        if (pendingUnmatched > 0) {
            desc.write(DescEntryType.UNMATCHED.value());
            writeUint48(desc, pendingUnmatched);
            pendingUnmatched = 0;
        }
    }

    // Section 1.3: "DATA", partLen = compressed + 16, uncompressed length, one complete zlib stream.
    private void flushData() throws IOException {
        int n = compressor.compress(data, dataFill);
        byte[] h = new byte[TemplateFormat.DATA_PART_HEADER];
        System.arraycopy(TemplateFormat.ID_DATA, 0, h, 0, 4);
        putUint48(h, TemplateFormat.PART_ID, (long) n + TemplateFormat.DATA_PART_HEADER);
        putUint48(h, TemplateFormat.PART_HEADER, dataFill);
        write(h);
        write(compressor.output(), 0, n);
        dataFill = 0;
    }

    private void checkImageLength(long more) {
        if (more > TemplateFormat.MAX_LENGTH - imageLength) {
            throw new IllegalArgumentException("the image would pass the template format's limit of "
                    + TemplateFormat.MAX_LENGTH + " bytes");
        }
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("template already finished");
        }
    }

    private void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    private void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        md5.update(b, off, len);
        sha256.update(b, off, len);
        written += len;
    }

    private static void writeUint48(ByteArrayOutputStream o, long v) {
        byte[] b = new byte[TemplateFormat.LENGTH_FIELD];
        putUint48(b, 0, v);
        o.writeBytes(b);
    }

    static void putUint48(byte[] b, int off, long v) {
        for (int i = 0; i < TemplateFormat.LENGTH_FIELD; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Frees the compressor; does not close the output stream. */
    @Override
    public void close() {
        compressor.close();
    }
}
