package org.spindelta.bsdiff.apply;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.spindelta.bsdiff.format.FormatConstants;
import org.spindelta.bsdiff.format.PatchFormat;
import org.spindelta.bsdiff.format.SpdwHeader;
import org.spindelta.bsdiff.format.WindowCodec;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;
import org.spindelta.core.StagedOutput;
import org.spindelta.core.StreamInput;
import org.spindelta.core.TrailingSha256;
import org.spindelta.core.VerificationException;
import org.tukaani.xz.XZInputStream;

/**
 * Applies an SPDW patch (docs/formats/spdw.md): windows are decoded on a thread pool, each writing
 * its slice of NEW at its own offset, while OLD is hashed beside them and NEW behind them
 * ({@link TrailingSha256}); both are compared with the recorded SHA-256s before NEW is committed.
 * Memory per thread: a 1 MiB old cache, a 1 MiB output buffer and the decoder (xz: dictionary at most
 * {@link #XZ_MEMORY_LIMIT_KIB} KiB).
 */
final class SpdwApplier {
    /** xz windows are written with presets up to 9 (64 MiB dictionary); refuse anything hungrier. */
    static final int XZ_MEMORY_LIMIT_KIB = 96 * 1024;
    private static final int STREAM_BUFFER = 1 << 16;

    private SpdwApplier() {}

    static ApplyResult apply(FileChannel old, Path oldFile, FileChannel patch, StagedOutput out, ApplyOptions options,
            Progress progress) throws IOException {
        SpdwHeader header = readHeader(patch);
        return BsPatch.verifyingOld(old, oldFile, header.oldSize(), header.oldSha256(),
                oldHash -> applyWindows(header, old, oldHash, patch, out, options, progress));
    }

    private static ApplyResult applyWindows(SpdwHeader header, FileChannel old, TrailingSha256 oldHash,
            FileChannel patch, StagedOutput out, ApplyOptions options, Progress progress) throws IOException {
        out.channel().truncate(0);
        progress.start("apply", header.newSize());

        int n = header.windowCount();
        long[] newStart = new long[n];
        long[] patchStart = new long[n];
        long np = 0;
        long pp = header.dataStart();
        for (int i = 0; i < n; i++) {
            newStart[i] = np;
            patchStart[i] = pp;
            np += header.windowNewLength()[i];
            pp += header.windowCompressedLength()[i];
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.threads(), Math.max(1, n)), r -> {
            Thread t = new Thread(r, "spdw-apply");
            t.setDaemon(true);
            return t;
        });
        // NEW is hashed behind the windows as they complete in order, while their pages are still cached,
        // rather than read back whole at the end
        byte[] sha;
        try (TrailingSha256 newHash = new TrailingSha256(out.channel(), header.newSize(), 0, "NEW")) {
            try {
                List<Future<Void>> futures = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    final int w = i;
                    futures.add(pool.submit(() -> {
                        applyWindow(header, w, old, oldHash, patch, patchStart[w], out.channel(), newStart[w],
                                progress);
                        return null;
                    }));
                }
                for (int i = 0; i < n; i++) {
                    await(futures.get(i));
                    newHash.reached(newStart[i] + header.windowNewLength()[i]);
                }
            } finally {
                pool.shutdownNow();
            }
            sha = newHash.await();
        }
        if (out.channel().size() != header.newSize() || !Sha256.equal(sha, header.newSha256())) {
            throw new VerificationException("result does not match the patch: sha256 " + Sha256.hex(sha) + ", expected "
                    + Sha256.hex(header.newSha256()));
        }
        PatchFormat format = header.codec().format();
        return new ApplyResult(format, header.newSize(), sha, true);
    }

    static SpdwHeader readHeader(FileChannel patch) throws IOException {
        long size = patch.size();
        byte[] head = new byte[FormatConstants.SPDW_HEADER_SIZE];
        if (size < head.length) {
            throw new CorruptInputException("SPDW patch is " + size + " bytes, shorter than its " + head.length
                    + "-byte header");
        }
        ChannelInput.readFully(patch, 0, head, 0, head.length, "PATCH");
        int windows = SpdwHeader.parseWindowCount(head, size);
        byte[] table = new byte[(int) SpdwHeader.tableSize(windows)];
        ChannelInput.readFully(patch, 0, table, 0, table.length, "PATCH");
        return SpdwHeader.parse(table, size);
    }

    private static void await(Future<Void> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while applying");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        }
    }

    private static void applyWindow(SpdwHeader header, int w, FileChannel old, TrailingSha256 oldHash,
            FileChannel patch, long patchStart, FileChannel out, long newStart, Progress progress) throws IOException {
        String what = "window " + w;
        long compressed = header.windowCompressedLength()[w];
        InputStream raw = new BufferedInputStream(new ChannelInput(patch, patchStart, patchStart + compressed),
                STREAM_BUFFER);
        CountingStream counted;
        try (DecodedStream in = DecodedStream.open(() -> decoder(header.codec(), raw), what)) {
            counted = new CountingStream(in);
            OldReader oldReader = new OldReader(old, header.oldSize(), oldHash);
            NewSink sink = new NewSink(out, newStart, progress, false);
            long length = header.windowNewLength()[w];
            byte[] rec = new byte[FormatConstants.SPDW_RECORD_SIZE];
            long produced = 0;
            int emptyRun = 0;
            for (long r = 0; produced < length; r++) {
                StreamInput.readFully(counted, rec, 0, rec.length, what);
                long x = LittleEndian.getLong(rec, 0);
                long y = LittleEndian.getLong(rec, 8);
                long oldPos = LittleEndian.getLong(rec, 16);
                if (x < 0 || y < 0 || x > length - produced || y > length - produced - x) {
                    throw new CorruptInputException(what + " record " + r + " (diff " + x + ", extra " + y
                            + ") does not fit the window's " + length + " bytes at offset " + produced);
                }
                if (x > 0 && (oldPos < 0 || oldPos > header.oldSize() - x)) {
                    throw new CorruptInputException(what + " record " + r + " reads old bytes [" + oldPos + ", "
                            + (oldPos + x) + ") outside OLD (" + header.oldSize() + " bytes)");
                }
                emptyRun = x + y == 0 ? emptyRun + 1 : 0;
                if (emptyRun > ControlWalk.MAX_EMPTY_RUN) {
                    throw new CorruptInputException(what + " has more than " + ControlWalk.MAX_EMPTY_RUN
                            + " empty records in a row");
                }
                sink.addDiff(counted, oldReader, oldPos, x, what);
                sink.copyExtra(counted, y, what);
                produced += x + y;
            }
            sink.flush();
            if (counted.read() >= 0) {
                throw new CorruptInputException(what + " has data after its last record");
            }
        }
        if (counted.count() != header.windowStreamLength()[w]) {
            throw new CorruptInputException(what + " stream is " + counted.count() + " bytes, the table says "
                    + header.windowStreamLength()[w]);
        }
    }

    private static InputStream decoder(WindowCodec codec, InputStream raw) throws IOException {
        return switch (codec) {
            case XZ -> new XZInputStream(raw, XZ_MEMORY_LIMIT_KIB);
            case ZSTD -> new ZstdInputStream(raw);
            case STORED -> raw;
        };
    }

    /** Counts what the decoder hands out, to check the table's stream length. */
    private static final class CountingStream extends java.io.FilterInputStream {
        private long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        long count() {
            return count;
        }
    }
}
