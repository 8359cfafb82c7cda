package org.spindelta.bsdiff.generate;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.spindelta.bsdiff.format.Bsdiff40Trailer;
import org.spindelta.bsdiff.format.FormatConstants;
import org.spindelta.bsdiff.format.SignMagnitude;

/**
 * Writes BSDIFF40 exactly as bsdiff 4.3 lays it out (header, then control, diff and extra blocks,
 * each ONE bzip2 stream at level 9, since bspatch's BZ2_bzRead stops at the first stream end),
 * plus spindelta's trailer after the last control triple. Diff and extra blocks are fed by two
 * threads of their own and compressed block by block on a pool ({@link SplicedBzip2}), into
 * temporary files beside the patch, and copied behind the header once their lengths are known.
 */
final class Bsdiff40Writer implements PatchWriter {
    private final FileChannel patch;
    private final Path ctrlFile;
    private final Path diffFile;
    private final Path extraFile;
    private final OutputStream ctrl;
    private final OutputStream diff;
    private final OutputStream extra;
    private final ExecutorService diffThread = Executors.newSingleThreadExecutor(daemon("bzip2-diff"));
    private final ExecutorService extraThread = Executors.newSingleThreadExecutor(daemon("bzip2-extra"));
    private final ExecutorService blockPool;
    private final byte[] triple = new byte[FormatConstants.CONTROL_ENTRY_SIZE];

    // the previous record waits for the next one to know its seek (BSDIFF40 seeks are relative)
    private boolean pending;
    private long pendingDiff;
    private long pendingExtra;
    private long pendingOld;
    private long current; // OLD position after the last written triple
    private CompletableFuture<Void> lastDiff = CompletableFuture.completedFuture(null);
    private CompletableFuture<Void> lastExtra = CompletableFuture.completedFuture(null);

    /** @param threads bzip2 blocks compressed at once */
    Bsdiff40Writer(FileChannel patch, Path tempDir, int threads) throws IOException {
        this.patch = patch;
        blockPool = Executors.newFixedThreadPool(threads, daemon("bzip2-block"));
        ctrlFile = Files.createTempFile(tempDir, ".spindelta-", ".ctrl");
        diffFile = Files.createTempFile(tempDir, ".spindelta-", ".diff");
        extraFile = Files.createTempFile(tempDir, ".spindelta-", ".extra");
        ctrl = new BZip2CompressorOutputStream(buffered(ctrlFile), FormatConstants.BZIP2_LEVEL);
        diff = new SplicedBzip2(buffered(diffFile), blockPool, threads);
        extra = new SplicedBzip2(buffered(extraFile), blockPool, threads);
    }

    /**
     * Memory per thread for {@link MemoryPlan}: each of the two spliced streams keeps up to one chunk
     * per thread in flight (one more chunk per stream, being filled, is within MemoryPlan.FIXED).
     */
    static long compressorBytes() {
        return 2 * SplicedBzip2.BYTES_PER_CHUNK;
    }

    private static OutputStream buffered(Path file) throws IOException {
        return new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void begin(int windows) {}

    @Override
    public void prepare(WindowResult result) {}

    @Override
    public CompletableFuture<Void> append(WindowResult r) throws IOException {
        for (int i = 0; i < r.records(); i++) {
            long x = r.diffLength(i);
            long y = r.extraLength(i);
            long o = x > 0 ? r.oldPos(i) : -1;
            if (pending) {
                long target = o >= 0 ? o : pendingOld + pendingDiff;
                writeTriple(pendingDiff, pendingExtra, target - (pendingOld + pendingDiff));
                current = target;
            } else if (o >= 0 && o != current) {
                writeTriple(0, 0, o - current); // BSDIFF40 has no initial seek
                current = o;
            }
            pending = true;
            pendingDiff = x;
            pendingExtra = y;
            pendingOld = o >= 0 ? o : current;
        }
        lastDiff = lastDiff.thenRunAsync(() -> writeBytes(r, diff, true), diffThread);
        lastExtra = lastExtra.thenRunAsync(() -> writeBytes(r, extra, false), extraThread);
        return CompletableFuture.allOf(lastDiff, lastExtra);
    }

    private static void writeBytes(WindowResult r, OutputStream out, boolean diffPart) {
        try {
            byte[] data = r.data();
            int p = 0;
            for (int i = 0; i < r.records(); i++) {
                int x = (int) r.diffLength(i);
                int y = (int) r.extraLength(i);
                if (diffPart) {
                    out.write(data, p, x);
                } else {
                    out.write(data, p + x, y);
                }
                p += x + y;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeTriple(long x, long y, long z) throws IOException {
        SignMagnitude.encode(x, triple, 0);
        SignMagnitude.encode(y, triple, 8);
        SignMagnitude.encode(z, triple, 16);
        ctrl.write(triple);
    }

    @Override
    public void finish(long oldSize, byte[] oldSha256, long newSize, byte[] newSha256) throws IOException {
        if (pending) {
            writeTriple(pendingDiff, pendingExtra, 0);
            pending = false;
        }
        ctrl.write(new Bsdiff40Trailer(oldSize, oldSha256, newSha256).encode());
        ctrl.close();
        try {
            CompletableFuture.allOf(lastDiff.thenRunAsync(() -> closeQuietly(diff), diffThread),
                    lastExtra.thenRunAsync(() -> closeQuietly(extra), extraThread)).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw e;
        }
        long ctrlLen = Files.size(ctrlFile);
        long diffLen = Files.size(diffFile);
        byte[] header = new byte[FormatConstants.BSDIFF40_HEADER_SIZE];
        System.arraycopy(FormatConstants.BSDIFF40_MAGIC, 0, header, 0, 8);
        SignMagnitude.encode(ctrlLen, header, 8);
        SignMagnitude.encode(diffLen, header, 16);
        SignMagnitude.encode(newSize, header, 24);
        patch.truncate(0);
        OutputStream out = Channels.newOutputStream(patch.position(0));
        out.write(header);
        for (Path part : new Path[] {ctrlFile, diffFile, extraFile}) {
            try (FileChannel in = FileChannel.open(part, StandardOpenOption.READ)) {
                long size = in.size();
                long done = 0;
                while (done < size) {
                    done += in.transferTo(done, size - done, patch);
                }
            }
        }
    }

    private static void closeQuietly(OutputStream s) {
        try {
            s.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        diffThread.shutdownNow();
        extraThread.shutdownNow();
        blockPool.shutdownNow();
        for (Path p : new Path[] {ctrlFile, diffFile, extraFile}) {
            Files.deleteIfExists(p);
        }
    }
}
