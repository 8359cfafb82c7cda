package org.spindelta.jigdo.template;

import com.sun.jna.Pointer;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Compresses one DATA part's bytes into one complete zlib stream (reference jigdo.md section 1.3): where
 * the system's libdeflate is installed, with it and with the JDK's zlib, keeping the smaller stream; else
 * with the JDK's zlib. Both make streams any zlib inflater reads (jigdo-file, jigit-mkimage, libjte,
 * ours). Why both: libdeflate is smaller on an ISO's directory records and small files (1 MiB parts of a
 * 1.36 GB ISO's 7.1 MB of unmatched bytes: 144,096 bytes against zlib's 147,687), zlib on a tar
 * archive's runs of headers and zero padding (50 KB: 1,218 against 1,272); trying both costs ~40 ms of
 * CPU per MB. Not thread-safe; {@link #close} frees the native state.
 */
abstract class PartCompressor implements AutoCloseable {
    /** Whether libdeflate is used, and why not when it is not. */
    static String libdeflateFailure() {
        return Libdeflate.FAILURE;
    }

    /**
     * A compressor at {@code level}: 0-9 as in zlib (libdeflate also has 10-12, slower and smaller; the
     * JDK's zlib stops at 9).
     */
    static PartCompressor create(int level) {
        return Libdeflate.FAILURE == null ? new Smaller(libdeflate(level), jdk(level)) : jdk(level);
    }

    /** libdeflate's compressor; only when {@link #libdeflateFailure()} is null. */
    static PartCompressor libdeflate(int level) {
        return new Native(level);
    }

    /** The JDK's zlib, at most level 9. */
    static PartCompressor jdk(int level) {
        return new Jdk(Math.min(level, Deflater.BEST_COMPRESSION));
    }

    /** The zlib stream of {@code in[0, len)}, in a buffer of at least its length; returns its length. */
    abstract int compress(byte[] in, int len);

    /** The buffer {@link #compress} filled. */
    abstract byte[] output();

    @Override
    public abstract void close();

    private static final class Native extends PartCompressor {
        private Pointer compressor;
        private byte[] out = new byte[0];

        Native(int level) {
            compressor = Libdeflate.libdeflate_alloc_compressor(level);
            if (compressor == null) {
                throw new OutOfMemoryError("libdeflate could not allocate a level " + level + " compressor");
            }
        }

        @Override
        int compress(byte[] in, int len) {
            long bound = Libdeflate.libdeflate_zlib_compress_bound(compressor, len);
            if (out.length < bound) {
                out = new byte[Math.toIntExact(bound)];
            }
            long n = Libdeflate.libdeflate_zlib_compress(compressor, in, len, out, out.length);
            if (n <= 0) { // cannot happen with a buffer of the bound's size
                throw new IllegalStateException("libdeflate found no room for " + len + " bytes in " + out.length);
            }
            return (int) n;
        }

        @Override
        byte[] output() {
            return out;
        }

        @Override
        public void close() {
            if (compressor != null) {
                Libdeflate.libdeflate_free_compressor(compressor);
                compressor = null;
            }
        }
    }

    private static final class Jdk extends PartCompressor {
        private final Deflater deflater;
        private byte[] out = new byte[8192];

        Jdk(int level) {
            deflater = new Deflater(level);
        }

        @Override
        int compress(byte[] in, int len) {
            deflater.reset();
            deflater.setInput(in, 0, len);
            deflater.finish();
            int n = 0;
            while (!deflater.finished()) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                n += deflater.deflate(out, n, out.length - n);
            }
            return n;
        }

        @Override
        byte[] output() {
            return out;
        }

        @Override
        public void close() {
            deflater.end();
        }
    }

    /** The smaller of two compressors' streams for each part. */
    private static final class Smaller extends PartCompressor {
        private final PartCompressor first;
        private final PartCompressor second;
        private PartCompressor chosen;

        Smaller(PartCompressor first, PartCompressor second) {
            this.first = first;
            this.second = second;
        }

        @Override
        int compress(byte[] in, int len) {
            int a = first.compress(in, len);
            int b = second.compress(in, len);
            chosen = a <= b ? first : second;
            return Math.min(a, b);
        }

        @Override
        byte[] output() {
            return chosen.output();
        }

        @Override
        public void close() {
            try {
                first.close();
            } finally {
                second.close();
            }
        }
    }
}
