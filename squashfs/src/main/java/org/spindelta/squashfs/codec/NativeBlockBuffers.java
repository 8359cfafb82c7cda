package org.spindelta.squashfs.codec;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * The native input and output buffers of one native decoder. A block is copied in, decoded by the C
 * library from {@link #in()} to {@link #out()} with {@code maxOut} as the output room, and the produced
 * bytes copied out, so the library never sees a Java array and can never write past {@code maxOut}.
 * Each buffer grows to the largest block seen (at most the 1 MiB largest block size the callers
 * allow), and is reused afterwards.
 */
final class NativeBlockBuffers implements AutoCloseable {
    private Memory in;
    private Memory out;

    /** The input buffer holding {@code src[srcOff, srcOff + srcLen)}; at least one byte long. */
    Pointer in(byte[] src, int srcOff, int srcLen) {
        in = ensure(in, srcLen);
        in.write(0, src, srcOff, srcLen);
        return in;
    }

    /** The output buffer, room for {@code maxOut} bytes (at least one). */
    Pointer out(int maxOut) {
        out = ensure(out, maxOut);
        return out;
    }

    /** Copies the first {@code n} decoded bytes to {@code dst[dstOff]}. */
    void copyOut(int n, byte[] dst, int dstOff) {
        if (n > 0) {
            out.read(0, dst, dstOff, n);
        }
    }

    private static Memory ensure(Memory m, int size) {
        long need = Math.max(1, size);
        if (m != null && m.size() >= need) {
            return m;
        }
        if (m != null) {
            m.close();
        }
        return new Memory(need);
    }

    @Override
    public void close() {
        if (in != null) {
            in.close();
            in = null;
        }
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
