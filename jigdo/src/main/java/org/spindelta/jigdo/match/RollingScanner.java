package org.spindelta.jigdo.match;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.Progress;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.format.Rsync64Sum;

/**
 * Finds every place where a candidate's bytes occur in an image, as jigdo-file's make-template does
 * (reference jigdo.md section 4): the rsync64 sum of a {@link HeadIndex#blockLength()}-byte window is rolled
 * over every byte offset, and where it equals a candidate's head the whole candidate is compared with the
 * image there. Only verified matches are reported, each inside the image; they may overlap (a small file
 * inside a large one, a file appearing twice): choosing among them is {@link MatchResolver}'s job.
 *
 * <p>Parallel: the window offsets are cut into ranges scanned on a pool, each range reading its bytes and
 * the {@code blockLength - 1} after them, so no offset is missed or seen twice. Every range reports the
 * matches starting at its offsets (a run of one byte, by the range it starts in), so the matches found do
 * not depend on the range length, the thread count or their timing.
 *
 * <p>Verification: a candidate in a checksum list is verified by the digest of the image bytes (the file is
 * not read); any other by comparing its bytes with the image's, stopping at the first difference. Of
 * candidates of one size with one head, the first (by {@link HeadIndex.Head#order()}) that matches is
 * reported: another one of that size matching there has the same content, and is the same part.
 *
 * <p>Memory per thread: a 1 MiB scan buffer and two 1 MiB compare buffers; the matches found.
 */
public final class RollingScanner {
    /** Offsets per range: enough to keep per-range overheads negligible, small enough to share out evenly. */
    public static final int DEFAULT_RANGE_LENGTH = 32 << 20;
    private static final int SCAN_BUFFER = 1 << 20;
    private static final int COMPARE_BUFFER = 1 << 20;

    /**
     * Where a candidate's bytes are in the image, verified.
     *
     * @param offset where they start
     * @param length the candidate's size
     */
    public record Match(long offset, long length, HeadIndex.Head head) {
        public long end() {
            return offset + length;
        }
    }

    /**
     * What a scan found.
     *
     * @param matches every verified match, ordered by offset, then longest first
     * @param verifications candidate comparisons made (head sums that hit)
     */
    public record Scan(List<Match> matches, long verifications) {}

    private RollingScanner() {}

    /**
     * Scans the image in {@code image} for the candidates of {@code index}.
     *
     * @param rangeLength window offsets per task, at least 1
     * @throws IOException if the image or a candidate cannot be read
     */
    public static Scan scan(FileChannel image, HeadIndex index, ExecutorService pool, int rangeLength,
            Progress progress) throws IOException {
        if (rangeLength < 1) {
            throw new IllegalArgumentException("range length " + rangeLength + " must be at least 1");
        }
        long length = image.size();
        int block = index.blockLength();
        long windows = length - block + 1; // window starts 0 .. length - block
        progress.start("scan", length);
        List<Match> all = new ArrayList<>();
        if (windows <= 0 || index.size() == 0) {
            progress.advance(length);
            return new Scan(all, 0);
        }
        AtomicLong verifications = new AtomicLong();
        List<Future<List<Match>>> tasks = new ArrayList<>();
        for (long start = 0; start < windows; start += rangeLength) {
            long s = start;
            long e = Math.min(windows, start + rangeLength);
            tasks.add(pool.submit(() -> new RangeScan(image, length, index, e - s, progress, verifications)
                    .scan(s, e)));
        }
        try {
            for (Future<List<Match>> t : tasks) {
                all.addAll(t.get());
            }
        } catch (InterruptedException ex) {
            tasks.forEach(t -> t.cancel(true));
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while scanning the image");
        } catch (ExecutionException ex) {
            tasks.forEach(t -> t.cancel(true));
            if (ex.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(ex.getCause());
        }
        progress.advance(length - windows); // the last window's tail, never a window start
        all.sort(java.util.Comparator.comparingLong(Match::offset).thenComparing(Match::length,
                java.util.Comparator.reverseOrder()).thenComparingInt(m -> m.head().order()));
        return new Scan(all, verifications.get());
    }

    /** One range's scan, on one thread. */
    private static final class RangeScan {
        private final FileChannel image;
        private final long length;
        private final HeadIndex index;
        private final int block;
        private final int[] table = Rsync64Sum.table();
        private final byte[] buf;
        /** Buffers for digests and comparisons, allocated at the first one (most ranges of a small test make none). */
        private byte[] imageBytes;
        private RegionComparison comparison;
        private final Map<ChecksumKind, MessageDigest> digests = new EnumMap<>(ChecksumKind.class);
        private final Progress progress;
        private final AtomicLong verifications;
        private final List<Match> found = new ArrayList<>();
        /** Window starts below this lie in a run of one byte already dealt with. */
        private long runSkipUntil = -1;
        /** The end of the window offsets being scanned. */
        private long rangeEnd;

        RangeScan(FileChannel image, long length, HeadIndex index, long rangeLength, Progress progress,
                AtomicLong verifications) {
            this.image = image;
            this.length = length;
            this.index = index;
            this.block = index.blockLength();
            this.buf = new byte[(int) Math.min(SCAN_BUFFER, rangeLength) + block];
            this.progress = progress;
            this.verifications = verifications;
        }

        /** The matches starting at window offsets [start, end). */
        List<Match> scan(long start, long end) throws IOException {
            rangeEnd = end;
            final int b = block;
            final int[] t = table;
            final byte[] buf = this.buf;
            // the filter in locals: the hot loop then loads nothing but the window's bytes and the table
            final long[] filter = index.filter();
            final int filterShift = index.filterShift();
            long base = start; // image offset of buf[0]
            int filled = fill(base, 0);
            int lo = 0;
            int hi = 0;
            for (int i = 0; i < b; i++) {
                lo += t[buf[i] & 0xFF];
                hi += lo;
            }
            int i = 0;
            while (true) {
                // windows i .. stop can be looked at and rolled on without leaving the buffer
                int stop = (int) Math.min(filled - b - 1, end - 1 - base);
                for (; i <= stop; i++) {
                    int h = HeadIndex.hash(lo, hi);
                    int bit = h >>> filterShift;
                    if ((filter[bit >>> 6] & (1L << bit)) != 0) {
                        probe(lo, hi, h, base, i);
                    }
                    int out = t[buf[i] & 0xFF];
                    lo += t[buf[i + b] & 0xFF] - out;
                    hi += lo - b * out;
                }
                if (base + i < end) {
                    // window i ends where the buffer does: look at it, then keep its last b-1 bytes and read on
                    int h = HeadIndex.hash(lo, hi);
                    if (index.filterHit(h)) {
                        probe(lo, hi, h, base, i);
                    }
                    i++;
                }
                if (base + i >= end) {
                    progress.advance(end - base);
                    return found;
                }
                int out = t[buf[i - 1] & 0xFF];
                System.arraycopy(buf, i, buf, 0, b - 1);
                progress.advance(i);
                base += i;
                filled = b - 1 + fill(base + b - 1, b - 1);
                lo += t[buf[b - 1] & 0xFF] - out;
                hi += lo - b * out;
                i = 0;
            }
        }

        /** Reads image bytes from {@code at} into buf[off..] up to its end or the image's; at least one. */
        private int fill(long at, int off) throws IOException {
            int n = (int) Math.min(buf.length - off, length - at);
            ChannelInput.readFully(image, at, buf, off, n, "image");
            return n;
        }

        /** The window buf[i .. i+block) at image offset base+i passed the filter. */
        private void probe(int lo, int hi, int h, long base, int i) throws IOException {
            long key = (lo & 0xFFFF_FFFFL) | ((long) hi << 32);
            HeadIndex.Group g = index.group(key, h);
            if (g == null) {
                return;
            }
            long at = base + i;
            if (!g.heads().isEmpty()) {
                verifyAll(g.heads(), at);
            }
            if (g.runByte() >= 0 && at >= runSkipUntil && oneByte(buf, i, block, (byte) g.runByte())) {
                run(g.runByte(), at);
            }
        }

        /** Verifies the candidates of one head at {@code at}, reporting at most one per size. */
        private void verifyAll(List<HeadIndex.Head> heads, long at) throws IOException {
            long matchedSize = -1;
            // digests of the image bytes, for candidates of one size from checksum lists
            long summedSize = -1;
            Map<ChecksumKind, byte[]> imageSums = new EnumMap<>(ChecksumKind.class);
            for (HeadIndex.Head head : heads) {
                long size = head.size();
                if (size == matchedSize || at + size > length) {
                    continue;
                }
                boolean ok;
                verifications.incrementAndGet();
                if (head.listed() != null) {
                    if (size != summedSize) {
                        imageSums.clear();
                        summedSize = size;
                    }
                    ChecksumKind kind = head.listed().sha256() ? ChecksumKind.SHA256 : ChecksumKind.MD5;
                    byte[] sum = imageSums.get(kind);
                    if (sum == null) {
                        sum = imageDigest(kind, at, size);
                        imageSums.put(kind, sum);
                    }
                    ok = Arrays.equals(sum, head.listed().digest());
                } else {
                    ok = sameBytes(head.candidate(), at, size);
                }
                if (ok) {
                    found.add(new Match(at, size, head));
                    matchedSize = size;
                }
            }
        }

        /**
         * A run of {@code v} covers the window at {@code at}. The range where the run starts finds its end and
         * verifies each candidate starting with a shorter or equal run where it must start: its run ending
         * where the image's does. Other ranges only skip the run's windows.
         */
        private void run(int v, long at) throws IOException {
            boolean owner = at == 0 || byteAt(at - 1) != v;
            // the owner needs the whole run; another range only the part covering its own windows
            long rangeLimit = owner ? length : Math.min(length, rangeEnd + block - 1);
            long end = runEnd(v, at + block, rangeLimit);
            runSkipUntil = end - block + 1;
            if (!owner) {
                return;
            }
            long runLength = end - at;
            int after = end < length ? byteAt(end) : -1;
            long matchedAt = -1;
            long matchedSize = -1;
            for (HeadIndex.Head head : index.runHeads(v)) {
                long o = end - head.runLength();
                if (head.runLength() > runLength || after != head.afterRun() || o + head.size() > length
                        || (o == matchedAt && head.size() == matchedSize)) {
                    continue;
                }
                verifications.incrementAndGet();
                boolean ok = head.listed() != null
                        ? Arrays.equals(imageDigest(head.listed().sha256() ? ChecksumKind.SHA256 : ChecksumKind.MD5,
                                o, head.size()), head.listed().digest())
                        : sameBytes(head.candidate(), o, head.size());
                if (ok) {
                    found.add(new Match(o, head.size(), head));
                    matchedAt = o;
                    matchedSize = head.size();
                }
            }
        }

        /**
         * The end of the run of {@code v} known to cover [.., from): the first offset at or after {@code from}
         * holding another byte, or {@code limit}.
         */
        private long runEnd(int v, long from, long limit) throws IOException {
            // a range reaching into a run for a few windows reads a few bytes
            byte[] b = imageBytes != null ? imageBytes : new byte[(int) Math.min(COMPARE_BUFFER, limit - from + 1)];
            long at = from;
            while (at < limit) {
                int n = (int) Math.min(b.length, limit - at);
                ChannelInput.readFully(image, at, b, 0, n, "image");
                for (int k = 0; k < n; k++) {
                    if ((b[k] & 0xFF) != v) {
                        return at + k;
                    }
                }
                at += n;
            }
            return limit;
        }

        private void compareBuffers() {
            if (imageBytes == null) {
                imageBytes = new byte[COMPARE_BUFFER];
            }
        }

        private int byteAt(long at) throws IOException {
            ByteBuffer one = ByteBuffer.allocate(1);
            ChannelInput.readFully(image, at, one.array(), 0, 1, "image");
            return one.get(0) & 0xFF;
        }

        private static boolean oneByte(byte[] b, int off, int len, byte v) {
            for (int k = off; k < off + len; k++) {
                if (b[k] != v) {
                    return false;
                }
            }
            return true;
        }

        private byte[] imageDigest(ChecksumKind kind, long at, long size) throws IOException {
            compareBuffers();
            MessageDigest md = digests.computeIfAbsent(kind, ChecksumKind::newDigest);
            md.reset();
            for (long done = 0; done < size; ) {
                int n = (int) Math.min(imageBytes.length, size - done);
                ChannelInput.readFully(image, at + done, imageBytes, 0, n, "image");
                md.update(imageBytes, 0, n);
                done += n;
            }
            return md.digest();
        }

        /**
         * Whether the file holds exactly the {@code size} image bytes at {@code at}; reads no further than a
         * difference. A candidate that changed size or vanished since it was listed is not equal.
         */
        private boolean sameBytes(Candidate c, long at, long size) throws IOException {
            if (comparison == null) {
                comparison = new RegionComparison(image);
            }
            return comparison.equal(c, at, size);
        }
    }
}
