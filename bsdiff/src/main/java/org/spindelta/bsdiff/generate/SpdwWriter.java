package org.spindelta.bsdiff.generate;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import org.spindelta.bsdiff.format.FormatConstants;
import org.spindelta.bsdiff.format.SpdwHeader;
import org.spindelta.bsdiff.format.WindowCodec;
import org.spindelta.core.LittleEndian;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

/**
 * Writes SPDW (docs/formats/spdw.md): each worker compresses its own window's record stream
 * (in {@link #prepare}, so compression runs on all cores); the writer appends the streams in NEW
 * order after space reserved for the header and window table, and fills those in at the end.
 */
final class SpdwWriter implements PatchWriter {
    /** xz preset: 6 is xz(1)'s default, an 8 MiB dictionary (9 MiB to decode per thread). */
    static final int XZ_PRESET = 6;
    /** zstd level: 19 is the strongest non-ultra level; windows are small enough for its speed. */
    static final int ZSTD_LEVEL = 19;
    /** Native memory of one level-19 zstd context, measured (RSS) while compressing an 8 MiB window. */
    static final long ZSTD_CONTEXT_BYTES = 100L << 20;
    /** xz dictionaries never need to exceed the window they compress. */
    static final int XZ_MIN_DICT = 1 << 16;

    /**
     * Memory one worker's compressor takes while it compresses a window: what {@link MemoryPlan} must
     * reserve per thread for this codec (xz-java reports its encoder's; zstd's is measured).
     */
    static long compressorBytes(WindowCodec codec) {
        try {
            return switch (codec) {
                case XZ -> new LZMA2Options(XZ_PRESET).getEncoderMemoryUsage() * 1024L;
                case ZSTD -> ZSTD_CONTEXT_BYTES;
                case STORED -> 0L;
            };
        } catch (org.tukaani.xz.UnsupportedOptionsException e) {
            throw new IllegalStateException("xz preset " + XZ_PRESET + " is always supported", e);
        }
    }

    private final FileChannel patch;
    private final WindowCodec codec;
    private long[] windowNew;
    private long[] windowCompressed;
    private long[] windowStream;
    private long position;
    private final int maxWindow;

    /** @param maxWindow the largest window of the plan (bounds the xz dictionary) */
    SpdwWriter(FileChannel patch, WindowCodec codec, long maxWindow) {
        this.patch = patch;
        this.codec = codec;
        this.maxWindow = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxWindow));
    }

    @Override
    public void begin(int windows) {
        windowNew = new long[windows];
        windowCompressed = new long[windows];
        windowStream = new long[windows];
        position = SpdwHeader.tableSize(windows);
    }

    @Override
    public void prepare(WindowResult r) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, r.newLength / 4));
        byte[] rec = new byte[FormatConstants.SPDW_RECORD_SIZE];
        long stream = 0;
        try (OutputStream out = compressor(bytes)) {
            byte[] data = r.data();
            int p = 0;
            for (int i = 0; i < r.records(); i++) {
                long x = r.diffLength(i);
                long y = r.extraLength(i);
                LittleEndian.putLong(rec, 0, x);
                LittleEndian.putLong(rec, 8, y);
                LittleEndian.putLong(rec, 16, x > 0 ? r.oldPos(i) : 0);
                out.write(rec);
                out.write(data, p, (int) (x + y));
                p += (int) (x + y);
                stream += rec.length + x + y;
            }
        }
        r.compressed = bytes.toByteArray();
        r.streamLength = stream;
    }

    private OutputStream compressor(OutputStream out) throws IOException {
        return switch (codec) {
            case XZ -> new XZOutputStream(out, xzOptions(), XZ.CHECK_CRC64);
            case ZSTD -> {
                ZstdOutputStream z = new ZstdOutputStream(out, ZSTD_LEVEL);
                z.setChecksum(true);
                yield z;
            }
            case STORED -> new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }
            };
        };
    }

    private LZMA2Options xzOptions() throws IOException {
        LZMA2Options o = new LZMA2Options(XZ_PRESET);
        o.setDictSize(Math.max(XZ_MIN_DICT, Math.min(o.getDictSize(), maxWindow)));
        return o;
    }

    @Override
    public CompletableFuture<Void> append(WindowResult r) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(r.compressed);
        while (b.hasRemaining()) {
            position += patch.write(b, position);
        }
        windowNew[r.index] = r.newLength;
        windowCompressed[r.index] = r.compressed.length;
        windowStream[r.index] = r.streamLength;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void finish(long oldSize, byte[] oldSha256, long newSize, byte[] newSha256) throws IOException {
        SpdwHeader h = new SpdwHeader(codec, oldSize, newSize, oldSha256, newSha256, windowNew, windowCompressed,
                windowStream);
        ByteBuffer b = ByteBuffer.wrap(h.encode());
        long p = 0;
        while (b.hasRemaining()) {
            p += patch.write(b, p);
        }
        patch.truncate(position);
    }

    @Override
    public void close() {}
}
