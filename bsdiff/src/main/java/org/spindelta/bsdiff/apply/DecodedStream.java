package org.spindelta.bsdiff.apply;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.SpindeltaException;

/**
 * Wraps a decompressing stream so that whatever it throws on bad data (an IOException with the
 * library's wording, or a RuntimeException from a decoder that trips on hostile input) becomes one
 * {@link CorruptInputException} naming the patch block; after a failure every read fails the same way
 * (xz-java's XZInputStream does likewise).
 */
final class DecodedStream extends FilterInputStream {
    private final String what;
    private CorruptInputException failure;

    DecodedStream(InputStream in, String what) {
        super(in);
        this.what = what;
    }

    /** Opens a decoder whose constructor already reads (and may reject) the stream header. */
    static DecodedStream open(Opener opener, String what) throws CorruptInputException {
        try {
            return new DecodedStream(opener.open(), what);
        } catch (SpindeltaException e) {
            throw new CorruptInputException(what + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new CorruptInputException(what + " is not a valid compressed stream: " + describe(e), e);
        }
    }

    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failure;
        }
        try {
            return in.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            failure = new CorruptInputException(what + " is corrupt or truncated: " + describe(e), e);
            throw failure;
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
