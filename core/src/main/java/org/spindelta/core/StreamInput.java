package org.spindelta.core;

import java.io.IOException;
import java.io.InputStream;

/** Reads that fail with a message naming what ended early, instead of returning short. */
public final class StreamInput {
    private StreamInput() {}

    /** Reads exactly {@code len} bytes or throws {@link CorruptInputException} naming {@code what}. */
    public static void readFully(InputStream in, byte[] b, int off, int len, String what) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(b, off + done, len - done);
            if (n < 0) {
                throw new CorruptInputException(what + " ended after " + done + " of " + len + " bytes");
            }
            done += n;
        }
    }
}
