package org.spindelta.squashfs.encode;

import static org.spindelta.squashfs.encode.Liblzma.LZMA_FINISH;
import static org.spindelta.squashfs.encode.Liblzma.LZMA_OK;
import static org.spindelta.squashfs.encode.Liblzma.LZMA_RUN;
import static org.spindelta.squashfs.encode.Liblzma.LZMA_STREAM_END;
import static org.spindelta.squashfs.encode.Liblzma.STREAM_AVAIL_IN;
import static org.spindelta.squashfs.encode.Liblzma.STREAM_AVAIL_OUT;
import static org.spindelta.squashfs.encode.Liblzma.STREAM_NEXT_IN;
import static org.spindelta.squashfs.encode.Liblzma.STREAM_NEXT_OUT;
import static org.spindelta.squashfs.encode.Liblzma.STREAM_SIZE;

import com.sun.jna.Memory;
import java.io.IOException;
import java.io.OutputStream;
import org.spindelta.core.UnsupportedFormatException;

/**
 * An .xz stream written by the system's liblzma on several threads ({@code lzma_stream_encoder_mt},
 * what {@code xz -T N} does): the input is cut into independent blocks of {@code blockSize} bytes, each
 * compressed on its own thread. Any .xz reader (xz-java's {@code XZInputStream} included) reads the
 * result. Why native: on a patch's content, liblzma encodes preset 6 about 1.5x faster per core than
 * xz-java, and xz-java has no multi-threaded encoder.
 *
 * <p>Memory: about {@link #memoryUsage} bytes of native memory (per thread: the preset's encoder plus an
 * input and an output block), none of it on the Java heap.
 */
public final class NativeXzOutputStream extends OutputStream {
    private static final int BUFFER = 1 << 20;

    private final OutputStream out;
    private final Memory stream = new Memory(STREAM_SIZE);
    private final Memory in = new Memory(BUFFER);
    private final Memory outBuf = new Memory(BUFFER);
    private final byte[] chunk = new byte[BUFFER];
    private int pending;
    private boolean closed;
    /** The LZMA2 options and filter chain when a dictionary size is given (liblzma reads them at init). */
    private Memory lzmaOptions;
    private Memory filters;

    /**
     * @param preset xz preset 0..9
     * @param threads encoder threads, at least 1
     * @param blockSize uncompressed bytes per independent block (0: liblzma's default, 3 x the dictionary)
     * @throws UnsupportedFormatException if liblzma cannot be loaded or refuses the options
     */
    public NativeXzOutputStream(OutputStream out, int preset, int threads, long blockSize)
            throws UnsupportedFormatException {
        this(out, preset, 0, threads, blockSize);
    }

    /**
     * As {@link #NativeXzOutputStream(OutputStream, int, int, long)}, with the preset's dictionary replaced
     * by one of {@code dictionarySize} bytes (0: the preset's; at least liblzma's minimum, 4 KiB). The encoder's memory is mostly its match
     * finder, about 10 times the dictionary: a stream that is never longer than a small dictionary
     * compresses the same with it, in a fraction of the memory (preset 6: 8 MiB, ~94 MiB per encoder).
     */
    public NativeXzOutputStream(OutputStream out, int preset, int dictionarySize, int threads, long blockSize)
            throws UnsupportedFormatException {
        Liblzma.LIBRARY.require("xz");
        this.out = out;
        stream.clear();
        try (Memory mt = options(preset, threads, blockSize)) {
            if (dictionarySize > 0) {
                lzmaOptions = new Memory(Liblzma.OPTIONS_LZMA_SIZE);
                lzmaOptions.clear();
                if (Liblzma.lzma_lzma_preset(lzmaOptions, preset) != 0) {
                    release();
                    throw new UnsupportedFormatException("liblzma has no xz preset " + preset);
                }
                lzmaOptions.setInt(Liblzma.OPTIONS_DICT_SIZE, Math.max(dictionarySize, Liblzma.LZMA_DICT_SIZE_MIN));
                filters = Liblzma.filterChain(lzmaOptions);
                mt.setPointer(Liblzma.MT_FILTERS, filters); // liblzma then ignores the preset field
            }
            int ret = Liblzma.lzma_stream_encoder_mt(stream, mt);
            if (ret != LZMA_OK) {
                release();
                throw new UnsupportedFormatException("liblzma refused a " + threads + "-thread xz encoder at preset "
                        + preset + ": " + Liblzma.retName(ret));
            }
        }
    }

    /** Whether this machine's liblzma can be used. */
    public static boolean available() {
        return Liblzma.LIBRARY.failure() == null;
    }

    /** liblzma's estimate of the encoder's memory for these options, in bytes, or -1 if unknown. */
    public static long memoryUsage(int preset, int threads, long blockSize) {
        if (!available()) {
            return -1;
        }
        try (Memory mt = options(preset, threads, blockSize)) {
            long m = Liblzma.lzma_stream_encoder_mt_memusage(mt);
            return m == -1L ? -1 : m; // UINT64_MAX on error
        }
    }

    private static Memory options(int preset, int threads, long blockSize) {
        if (preset < 0 || preset > 9 || threads < 1 || blockSize < 0) {
            throw new IllegalArgumentException("preset " + preset + ", threads " + threads + ", block " + blockSize);
        }
        Memory mt = new Memory(Liblzma.MT_SIZE);
        mt.clear();
        mt.setInt(Liblzma.MT_THREADS, threads);
        mt.setLong(Liblzma.MT_BLOCK_SIZE, blockSize);
        mt.setInt(Liblzma.MT_PRESET, preset);
        mt.setInt(Liblzma.MT_CHECK, Liblzma.LZMA_CHECK_CRC64);
        return mt;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("xz stream already finished");
        }
        while (len > 0) {
            int n = Math.min(len, BUFFER - pending);
            System.arraycopy(b, off, chunk, pending, n);
            pending += n;
            off += n;
            len -= n;
            if (pending == BUFFER) {
                code(LZMA_RUN);
            }
        }
    }

    /** Finishes the stream (the underlying stream stays open) and frees the native memory. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            code(LZMA_FINISH);
            out.flush();
        } finally {
            closed = true;
            release();
        }
    }

    /** Feeds the pending input to liblzma, writing what it produces; with LZMA_FINISH, to the stream's end. */
    private void code(int action) throws IOException {
        in.write(0, chunk, 0, pending);
        stream.setPointer(STREAM_NEXT_IN, in);
        stream.setLong(STREAM_AVAIL_IN, pending);
        pending = 0;
        while (true) {
            stream.setPointer(STREAM_NEXT_OUT, outBuf);
            stream.setLong(STREAM_AVAIL_OUT, BUFFER);
            int ret = Liblzma.lzma_code(stream, action);
            int produced = (int) (BUFFER - stream.getLong(STREAM_AVAIL_OUT));
            if (produced > 0) {
                outBuf.read(0, chunk, 0, produced);
                out.write(chunk, 0, produced);
            }
            if (ret == LZMA_STREAM_END) {
                return;
            }
            if (ret != LZMA_OK) {
                throw new IOException("liblzma failed while compressing: " + Liblzma.retName(ret));
            }
            if (action == LZMA_RUN && stream.getLong(STREAM_AVAIL_IN) == 0 && produced < BUFFER) {
                return;
            }
        }
    }

    private void release() {
        Liblzma.lzma_end(stream);
        stream.close();
        in.close();
        outBuf.close();
        if (filters != null) {
            filters.close();
        }
        if (lzmaOptions != null) {
            lzmaOptions.close();
        }
    }
}
