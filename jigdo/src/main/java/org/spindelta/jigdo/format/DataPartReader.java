package org.spindelta.jigdo.format;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.CorruptInputException;

/**
 * Reads the unmatched bytes of a template: the decompressed DATA (zlib) and BZIP (bzip2) parts as one
 * sequence, from any offset (reference jigdo.md section 1.3). Seeking decompresses only the part that
 * holds the offset, from its start, so with parts of about 1 MiB a byte range costs at most two parts
 * beyond its own bytes.
 *
 * <p>Every part must yield exactly the length its header declares, no more and no less; a stream that
 * ends early, runs long or does not decode is reported with the part's file offset. Decompression never
 * produces more than the bytes asked for (plus one probe byte at each part's end), so a compression bomb
 * costs only the bytes its declared lengths admit, which the caller bounds.
 *
 * <p>Holds one zlib inflater (native, freed by {@link #close()}) and up to 64 KiB of buffers; one thread.
 */
public final class DataPartReader implements Closeable {
    private static final int INPUT_BUFFER = 1 << 16;

    private final FileChannel channel;
    private final Template template;
    private final Inflater inflater = new Inflater();
    private int partIndex = -1;
    private InputStream part;
    /** Bytes of the current part still to come. */
    private long partLeft;

    public DataPartReader(FileChannel channel, Template template) {
        this.channel = channel;
        this.template = template;
    }

    /** Positions the reader so the next byte read is unmatched byte {@code dataOffset}. */
    public void seek(long dataOffset) throws IOException {
        long total = unmatchedLength();
        if (dataOffset < 0 || dataOffset > total) {
            throw new IndexOutOfBoundsException("unmatched offset " + dataOffset + " outside [0, " + total + "]");
        }
        if (dataOffset == total) {
            open(template.partCount());
            return;
        }
        int i = template.partAt(dataOffset);
        open(i);
        skip(dataOffset - template.part(i).dataOffset());
    }

    /**
     * Reads exactly {@code len} unmatched bytes into {@code b}.
     *
     * @throws CorruptInputException if a part does not decode to its declared length, or the parts end
     */
    public void readFully(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            if (partLeft == 0) {
                if (partIndex + 1 >= template.partCount()) {
                    throw new CorruptInputException("the template's DATA/BZIP parts end before the unmatched bytes do");
                }
                open(partIndex + 1);
                continue;
            }
            int n;
            try {
                n = part.read(b, off + done, (int) Math.min(len - done, partLeft));
            } catch (CorruptInputException e) {
                throw e;
            } catch (IOException e) {
                throw corrupt(e);
            }
            if (n < 0) {
                throw shortPart();
            }
            done += n;
            partLeft -= n;
            if (partLeft == 0) {
                finishPart();
            }
        }
    }

    private void skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(INPUT_BUFFER, Math.max(1, n))];
        long left = n;
        while (left > 0) {
            int k = (int) Math.min(scratch.length, left);
            readFully(scratch, 0, k);
            left -= k;
        }
    }

    private void open(int i) throws IOException {
        closePart();
        partIndex = i;
        if (i >= template.partCount()) {
            partLeft = 0;
            return;
        }
        DataPart p = template.part(i);
        InputStream raw = new ChannelInput(channel, p.streamOffset(), p.streamOffset() + p.streamLength());
        partLeft = p.dataLength();
        try {
            if (p.compression() == PartCompression.ZLIB) {
                inflater.reset();
                part = new InflaterInputStream(raw, inflater, INPUT_BUFFER);
            } else {
                part = new BZip2CompressorInputStream(new BufferedInputStream(raw, INPUT_BUFFER), false);
            }
        } catch (IOException e) {
            throw corrupt(e);
        }
        if (partLeft == 0) {
            finishPart();
        }
    }

    /** At a part's declared end its stream must end too. */
    private void finishPart() throws IOException {
        if (part != null && partIndex < template.partCount()) {
            int extra;
            try {
                extra = part.read();
            } catch (IOException e) {
                throw corrupt(e);
            }
            if (extra >= 0) {
                DataPart p = template.part(partIndex);
                throw new CorruptInputException(p.compression().name() + " part at byte " + p.fileOffset()
                        + " decompresses to more than the " + p.dataLength() + " bytes its header declares");
            }
        }
    }

    private CorruptInputException shortPart() {
        DataPart p = template.part(partIndex);
        return new CorruptInputException(p.compression().name() + " part at byte " + p.fileOffset() + " ends after "
                + (p.dataLength() - partLeft) + " of the " + p.dataLength() + " bytes its header declares");
    }

    private CorruptInputException corrupt(IOException e) {
        DataPart p = template.part(partIndex);
        return new CorruptInputException(p.compression().name() + " part at byte " + p.fileOffset()
                + " does not decompress: " + e.getMessage(), e);
    }

    private long unmatchedLength() {
        int n = template.partCount();
        return n == 0 ? 0 : template.part(n - 1).dataOffset() + template.part(n - 1).dataLength();
    }

    private void closePart() throws IOException {
        if (part != null) {
            InputStream p = part;
            part = null;
            p.close();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            closePart();
        } finally {
            inflater.end();
        }
    }
}
