package org.spindelta.bsdiff.generate;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.spindelta.bsdiff.format.PatchFormat;
import org.spindelta.bsdiff.format.WindowCodec;
import org.spindelta.core.ByteSize;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.InputFile;
import org.spindelta.core.LimitExceededException;
import org.spindelta.core.Progress;
import org.spindelta.core.Sha256;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.StagedOutput;

/**
 * Makes a patch from OLD to NEW within a memory budget, on a thread pool.
 *
 * <p>When OLD, its suffix array and NEW fit the budget, OLD is indexed once and NEW's segments
 * are scanned in parallel against it. Otherwise NEW is cut into windows; a coarse index over OLD
 * (content-defined anchors) picks for each window the ranges of OLD it resembles, and each worker
 * suffix-sorts only those (see {@link MemoryPlan}, {@link RegionChooser}). Either way results are
 * written in NEW order through a staged output renamed into place at the end.
 */
public final class BsDiff {
    private BsDiff() {}

    /**
     * @throws LimitExceededException when the budget is too small or exceeds the JVM's heap
     * @throws SpindeltaException when an input is missing or unreadable, or the output is not writable
     */
    public static DiffSummary diff(Path oldFile, Path newFile, Path patchFile, DiffOptions options, Progress progress)
            throws IOException {
        long heap = Runtime.getRuntime().maxMemory();
        if (options.memory() > heap) {
            throw new LimitExceededException("--memory " + ByteSize.format(options.memory()) + " exceeds the JVM heap ("
                    + ByteSize.format(heap) + "); lower it or raise -Xmx (SPINDELTA_JAVA_OPTS)", options.memory(), heap);
        }
        InputFile.refuseAsOutput(patchFile, oldFile, newFile);
        try (FileChannel old = InputFile.open(oldFile, "OLD");
                FileChannel nw = InputFile.open(newFile, "NEW");
                StagedOutput out = StagedOutput.create(patchFile)) {
            long oldSize = old.size();
            long newSize = nw.size();
            PatchFormat f = options.format();
            MemoryPlan mp = f.windowed()
                    ? MemoryPlan.of(oldSize, newSize, options, SpdwWriter.compressorBytes(codec(f)), 2)
                    : MemoryPlan.of(oldSize, newSize, options, Bsdiff40Writer.compressorBytes(), 1);
            Path tempDir = patchFile.toAbsolutePath().getParent();
            DiffSummary summary;
            try (PatchWriter writer = f.windowed() ? new SpdwWriter(out.channel(), codec(f), mp.window())
                    : new Bsdiff40Writer(out.channel(), tempDir, options.threads())) {
                summary = mp.whole()
                        ? new Whole(old, nw, oldSize, newSize, mp, options, writer, progress).run()
                        : new Windowed(old, nw, oldSize, newSize, mp, options, writer, progress).run();
            }
            out.commit();
            return new DiffSummary(options.format(), mp, summary.windows(), oldSize, newSize, Files.size(patchFile),
                    summary.records(), summary.diffBytes(), summary.extraBytes());
        }
    }

    private static WindowCodec codec(PatchFormat f) {
        return switch (f) {
            case SPDW_XZ -> WindowCodec.XZ;
            case SPDW_STORED -> WindowCodec.STORED;
            default -> WindowCodec.ZSTD;
        };
    }

    /** Shared driver: runs window jobs on a pool, hands results to the writer in order, bounds what is alive. */
    private abstract static class Run {
        final FileChannel old;
        final FileChannel nw;
        final long oldSize;
        final long newSize;
        final MemoryPlan mp;
        final DiffOptions options;
        final PatchWriter writer;
        final Progress progress;
        long records;
        long diffBytes;

        Run(FileChannel old, FileChannel nw, long oldSize, long newSize, MemoryPlan mp, DiffOptions options,
                PatchWriter writer, Progress progress) {
            this.old = old;
            this.nw = nw;
            this.oldSize = oldSize;
            this.newSize = newSize;
            this.mp = mp;
            this.options = options;
            this.writer = writer;
            this.progress = progress;
        }

        /**
         * Starts planning; returns the number of windows. Plans may still be in the making:
         * {@link #plan} waits for each.
         */
        abstract int prepare(MessageDigest oldSha, MessageDigest newSha) throws IOException;

        /** Window {@code i}'s plan, waiting for the planner if needed. */
        abstract WindowPlan plan(int i) throws IOException;

        /** Waits until everything {@link #prepare} started has finished (NEW fully read and hashed). */
        void awaitPrepared() throws IOException {}

        /** Stops what {@link #prepare} started, when the run fails. */
        void abandon() {}

        /** Diffs one window on a pool thread. */
        abstract WindowResult diffWindow(WindowPlan plan) throws IOException;

        DiffSummary run() throws IOException {
            MessageDigest oldSha = Sha256.newDigest();
            MessageDigest newSha = Sha256.newDigest();
            int n = prepare(oldSha, newSha);
            List<WindowPlan> plans = new ArrayList<>(n);
            writer.begin(n);
            int threads = Math.max(1, Math.min(options.threads(), n));
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "bsdiff-window");
                t.setDaemon(true);
                return t;
            });
            progress.start("diff", newSize);
            try {
                List<Future<WindowResult>> futures = new ArrayList<>(n);
                Deque<CompletableFuture<Void>> writing = new ArrayDeque<>();
                int submitted = 0;
                for (int w = 0; w < n; w++) {
                    while (submitted < n && submitted - w < threads + 1) {
                        WindowPlan p = plan(submitted++);
                        plans.add(p);
                        futures.add(pool.submit(() -> {
                            WindowResult r = diffWindow(p);
                            writer.prepare(r);
                            progress.advance(r.newLength);
                            return r;
                        }));
                    }
                    WindowResult r = await(futures.get(w));
                    futures.set(w, null);
                    records += r.records();
                    diffBytes += r.diffBytes();
                    CompletableFuture<Void> done = writer.append(r);
                    done.thenRun(r::release);
                    writing.add(done);
                    while (writing.size() > 2) {
                        awaitWrite(writing.poll());
                    }
                }
                while (!writing.isEmpty()) {
                    awaitWrite(writing.poll());
                }
            } catch (IOException | RuntimeException | Error e) {
                abandon();
                throw e;
            } finally {
                pool.shutdownNow();
            }
            awaitPrepared(); // NEW's digest is complete once the planner has read all of NEW
            progress.start("write", 0);
            writer.finish(oldSize, oldSha.digest(), newSize, newSha.digest());
            return new DiffSummary(options.format(), mp, plans, oldSize, newSize, 0, records, diffBytes,
                    newSize - diffBytes);
        }
    }

    /** OLD, its suffix array and NEW in memory; NEW's segments share the index. */
    private static final class Whole extends Run {
        private byte[] oldBytes;
        private byte[] newBytes;
        private MatchIndex index;
        private OldRegion region;

        Whole(FileChannel old, FileChannel nw, long oldSize, long newSize, MemoryPlan mp, DiffOptions options,
                PatchWriter writer, Progress progress) {
            super(old, nw, oldSize, newSize, mp, options, writer, progress);
        }

        private List<WindowPlan> plans;

        @Override
        WindowPlan plan(int i) {
            return plans.get(i);
        }

        @Override
        int prepare(MessageDigest oldSha, MessageDigest newSha) throws IOException {
            progress.start("read", oldSize + newSize);
            oldBytes = new byte[(int) oldSize];
            ChannelInput.readFully(old, 0, oldBytes, 0, oldBytes.length, "OLD");
            oldSha.update(oldBytes);
            newBytes = new byte[(int) newSize];
            ChannelInput.readFully(nw, 0, newBytes, 0, newBytes.length, "NEW");
            newSha.update(newBytes);
            progress.advance(oldSize + newSize);
            progress.start("suffix sort", oldSize);
            index = MatchIndex.build(oldBytes, oldBytes.length, new MatchIndex.Tables(oldBytes.length));
            progress.advance(oldSize);
            region = OldRegion.whole(oldSize);
            plans = new ArrayList<>();
            List<long[]> all = oldSize > 0 ? List.of(new long[] {0, oldSize}) : List.of();
            long step = (newSize + mp.windows() - 1) / Math.max(1, mp.windows());
            for (long s = 0; s < newSize; s += step) {
                plans.add(new WindowPlan(plans.size(), s, (int) Math.min(step, newSize - s), all));
            }
            return plans.size();
        }

        @Override
        WindowResult diffWindow(WindowPlan p) {
            WindowResult r = new WindowResult(p.index(), p.newStart(), p.newLength());
            int start = (int) p.newStart();
            new BsdiffScan(index, region, null, options.minMatch()).scan(newBytes, start, start + p.newLength(), r);
            return r;
        }
    }

    /** Coarse index over OLD; each worker sorts only its window's region, in buffers reused across windows. */
    private static final class Windowed extends Run {
        private final BlockingQueue<Buffers> buffers;
        private final BlockingQueue<byte[]> resultBuffers;

        Windowed(FileChannel old, FileChannel nw, long oldSize, long newSize, MemoryPlan mp, DiffOptions options,
                PatchWriter writer, Progress progress) {
            super(old, nw, oldSize, newSize, mp, options, writer, progress);
            buffers = new ArrayBlockingQueue<>(options.threads());
            resultBuffers = new ArrayBlockingQueue<>(MemoryPlan.resultBuffers(options.threads()));
            planned = new ArrayBlockingQueue<>(MemoryPlan.resultBuffers(options.threads()));
        }

        /**
         * Plans in the making: filled by the planner thread, in order; a failure is passed on. Bounded, so
         * the planner reads NEW only a few windows ahead of the workers, which then find those bytes still
         * in the page cache (4.4 GB images: with the planner free to run ahead, its pass over NEW pushed out
         * the OLD and NEW pages the workers needed next, and they were read from disk again).
         */
        private final BlockingQueue<Object> planned;
        private Thread planner;

        @Override
        int prepare(MessageDigest oldSha, MessageDigest newSha) throws IOException {
            progress.start("index old", oldSize);
            OldIndex index = OldIndex.build(old, oldSize, mp.spacingBits(), oldSha, options.threads(), progress);
            int n = WindowPlanner.windowCount(newSize, mp.window());
            // the planner reads NEW while workers diff the windows already planned; progress shows windows done
            planner = new Thread(() -> {
                Object failure;
                try {
                    WindowPlanner.plan(nw, newSize, oldSize, index, mp.window(), mp.region(), newSha, Progress.NONE,
                            this::put);
                    return;
                } catch (CancellationException abandoned) {
                    return;
                } catch (IOException | RuntimeException e) {
                    failure = e;
                }
                try {
                    planned.put(failure);
                } catch (InterruptedException abandoned) {
                    // nobody waits for plans any more
                }
            }, "bsdiff-plan");
            planner.setDaemon(true);
            planner.start();
            int threads = Math.max(1, Math.min(options.threads(), n));
            for (int t = 0; t < threads; t++) {
                buffers.add(new Buffers());
            }
            for (int i = 0; i < MemoryPlan.resultBuffers(threads); i++) {
                resultBuffers.add(new byte[(int) mp.window()]);
            }
            return n;
        }

        /** Hands the workers a plan, waiting for room; throws CancellationException when the diff was abandoned. */
        private void put(WindowPlan plan) {
            try {
                planned.put(plan);
            } catch (InterruptedException e) {
                throw new CancellationException("diff abandoned");
            }
        }

        @Override
        void abandon() {
            if (planner != null) {
                planner.interrupt(); // it may wait on a full queue nobody reads any more
            }
        }

        @Override
        WindowPlan plan(int i) throws IOException {
            Object o = take(planned);
            if (o instanceof IOException e) {
                throw e;
            }
            if (o instanceof RuntimeException e) {
                throw e;
            }
            WindowPlan p = (WindowPlan) o;
            if (p.index() != i) {
                throw new IllegalStateException("planner emitted window " + p.index() + ", expected " + i);
            }
            return p;
        }

        @Override
        void awaitPrepared() throws IOException {
            try {
                planner.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }

        @Override
        WindowResult diffWindow(WindowPlan p) throws IOException {
            Buffers b = take(buffers);
            try {
                b.ensure((int) mp.region(), (int) mp.window());
                OldRegion region = new OldRegion(p.oldRanges(), p.anchoredRanges());
                region.load(old, b.old);
                ChannelInput.readFully(nw, p.newStart(), b.nw, 0, p.newLength(), "NEW");
                // compressed data: sort only the neighbourhoods, runs are matched along their diagonals;
                // compressible data: sort the runs too, for repeats off the diagonals (see ByteEntropy)
                int sorted = ByteEntropy.compressible(b.nw, 0, p.newLength()) ? region.length()
                        : region.indexedLength();
                MatchIndex index = MatchIndex.build(b.old, sorted, b.tables);
                ExactSegments segments = ExactSegments.find(b.nw, p.newLength(), p.newStart(), p.alignments(), region,
                        b.old);
                WindowResult r = new WindowResult(p.index(), p.newStart(), p.newLength(), take(resultBuffers),
                        resultBuffers::add);
                new BsdiffScan(index, region, segments, options.minMatch()).scan(b.nw, 0, p.newLength(), r);
                return r;
            } finally {
                buffers.add(b);
            }
        }

        /** One worker's arrays, allocated once at the plan's sizes. */
        private static final class Buffers {
            byte[] old = new byte[0];
            MatchIndex.Tables tables;
            byte[] nw = new byte[0];

            void ensure(int region, int window) {
                if (old.length < region) {
                    old = new byte[region];
                    tables = new MatchIndex.Tables(region);
                }
                if (nw.length < window) {
                    nw = new byte[window];
                }
            }
        }
    }

    /** A blocking take that turns an interrupt into the I/O world's InterruptedIOException. */
    private static <T> T take(BlockingQueue<T> queue) throws InterruptedIOException {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    private static WindowResult await(Future<WindowResult> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    private static void awaitWrite(CompletableFuture<Void> f) throws IOException {
        try {
            f.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw unwrap(e.getCause());
        }
    }

    private static IOException unwrap(Throwable c) {
        if (c instanceof IOException io) {
            return io;
        }
        if (c instanceof java.io.UncheckedIOException u) {
            return u.getCause();
        }
        if (c instanceof RuntimeException re) {
            throw re;
        }
        if (c instanceof Error err) {
            throw err;
        }
        return new IOException(c);
    }
}
