package org.spindelta.jigdo.match;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.InputFile;
import org.spindelta.jigdo.format.Rsync64Sum;
import org.spindelta.jigdo.format.TemplateFormat;

/**
 * The candidates of a rolling scan, keyed like jigdo-file keys them (reference jigdo.md section 4): by the
 * rsync64 sum of their first {@link #blockLength()} bytes. A scan rolls that sum over every offset of the
 * image and asks {@link #filterHit} (one bit of a filter, no allocation) and then {@link #group} for the
 * candidates whose head it may be.
 *
 * <p>A head made of one repeated byte (zeros, 0xFF) would hit at every offset of a run of that byte in the
 * image, and each hit would compare the candidate's run with the image's again. Such candidates are kept
 * apart, by byte, with the length of their leading run and the byte after it: a scan handles a run once, at
 * its end ({@link #runHeads}). A candidate that is one byte repeated throughout is not matched at all: a
 * run deflates to about a thousandth of its length, while each match costs a DESC entry and a [Parts] line.
 *
 * <p>Memory: one {@link Head} per candidate (about 100 bytes), a table of two longs per distinct head
 * and a filter of 16 bits per distinct head (at most 16 MiB).
 */
public final class HeadIndex {
    /**
     * Shortest block: below it a head says too little (a 1-byte head hits at nearly every offset), and a
     * file shorter than this saves nothing as a reference, which costs a 31- or 47-byte DESC entry and a
     * [Parts] line of about as much.
     */
    public static final int MIN_BLOCK_LENGTH = 64;
    /** Longest block: jigdo-file's and libjte's 1024, what the template's rsync64 sums cover. */
    public static final int MAX_BLOCK_LENGTH = TemplateFormat.DEFAULT_BLOCK_LENGTH;

    /** Filter bits per distinct head: a non-head window passes the filter with odds about 1/16. */
    private static final int FILTER_BITS_PER_KEY = 16;
    private static final int MIN_FILTER_LOG2 = 12;
    /** 2^27 bits = 16 MiB: 8 million distinct heads before the filter thins out. */
    private static final int MAX_FILTER_LOG2 = 27;
    private static final int GOLDEN = 0x9E3779B1;

    /**
     * One candidate as the scan sees it.
     *
     * @param order its rank among all candidates (label order, then path): the tie-breaker wherever two
     *     would do, so results do not depend on the order files were listed or threads ran
     * @param listed its digest from a checksum list, or null: then its bytes are compared with the image's
     * @param runByte the byte its head repeats, or -1 when its head is not one repeated byte
     * @param runLength how many bytes of {@code runByte} it starts with (at least the block length), or 0
     * @param afterRun the byte after that run (unsigned), when {@code runByte >= 0}
     */
    public record Head(Candidate candidate, int order, ChecksumList.Entry listed, int runByte, long runLength,
            int afterRun) {
        public long size() {
            return candidate.size();
        }
    }

    /**
     * The candidates whose head has one sum.
     *
     * @param heads candidates with that head, largest first, then by order
     * @param runByte the byte whose {@link #blockLength()}-byte run has this sum, if candidates start with such
     *     a run (see {@link #runHeads}), else -1
     */
    public record Group(long key, List<Head> heads, int runByte) {}

    private final int blockLength;
    private final int candidates;
    private final Group[] groups;
    private final long[] tableKeys;
    private final int[] tableGroups;
    private final int tableShift;
    private final long[] filter;
    private final int filterShift;
    private final List<List<Head>> runHeads = new ArrayList<>(256);

    private HeadIndex(int blockLength, int candidates, List<Group> groups) {
        this.blockLength = blockLength;
        this.candidates = candidates;
        this.groups = groups.toArray(Group[]::new);
        int n = Math.max(1, groups.size());
        int tableLog2 = Math.max(4, 33 - Integer.numberOfLeadingZeros(n - 1)); // at least 2n slots
        tableKeys = new long[1 << tableLog2];
        tableGroups = new int[1 << tableLog2];
        java.util.Arrays.fill(tableGroups, -1);
        tableShift = 32 - tableLog2;
        int filterLog2 = Math.min(MAX_FILTER_LOG2, Math.max(MIN_FILTER_LOG2,
                32 - Integer.numberOfLeadingZeros(n * FILTER_BITS_PER_KEY - 1)));
        filter = new long[1 << (filterLog2 - 6)];
        filterShift = 32 - filterLog2;
        for (int g = 0; g < this.groups.length; g++) {
            long key = this.groups[g].key();
            int h = hash((int) key, (int) (key >>> 32));
            int bit = h >>> filterShift;
            filter[bit >>> 6] |= 1L << bit;
            int slot = h >>> tableShift;
            while (tableGroups[slot] >= 0) {
                slot = (slot + 1) & (tableGroups.length - 1);
            }
            tableKeys[slot] = key;
            tableGroups[slot] = g;
        }
        for (int b = 0; b < 256; b++) {
            runHeads.add(List.of());
        }
    }

    /** The block for a minimum file size: the size itself, within [{@value #MIN_BLOCK_LENGTH}, {@value #MAX_BLOCK_LENGTH}]. */
    public static int blockLength(long minSize) {
        return (int) Math.max(MIN_BLOCK_LENGTH, Math.min(MAX_BLOCK_LENGTH, minSize));
    }

    /**
     * Reads the head of every candidate of at least the block length ({@link #blockLength(long)} of
     * {@code minSize}), on {@code pool}; a candidate with a head of one repeated byte is read on to the end
     * of that run.
     *
     * @param labelOrder the labels in the order given, for {@link Head#order()}
     * @throws IOException if a candidate cannot be read or is shorter than when it was listed
     */
    public static HeadIndex build(List<Candidate> candidates, List<String> labelOrder, long minSize,
            ChecksumList lists, ExecutorService pool) throws IOException {
        int block = blockLength(minSize);
        List<Candidate> sorted = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.size() >= block && c.size() >= minSize) {
                sorted.add(c);
            }
        }
        sorted.sort(Comparator.comparingInt((Candidate c) -> labelOrder.indexOf(c.label()))
                .thenComparing(Candidate::relativePath));
        List<Future<Read>> reads = new ArrayList<>(sorted.size());
        for (Candidate c : sorted) {
            reads.add(pool.submit(() -> read(c, block)));
        }
        Map<Long, List<Head>> byKey = new HashMap<>();
        List<List<Head>> byRun = new ArrayList<>(256);
        for (int b = 0; b < 256; b++) {
            byRun.add(new ArrayList<>());
        }
        int count = 0;
        for (int i = 0; i < sorted.size(); i++) {
            Read r = join(reads.get(i));
            Candidate c = sorted.get(i);
            if (r.runByte >= 0 && r.runLength == c.size()) {
                continue; // one byte throughout: cheaper in a DATA part than as a reference
            }
            Head h = new Head(c, i, lists.find(c.file(), c.size()), r.runByte, r.runLength, r.afterRun);
            (r.runByte >= 0 ? byRun.get(r.runByte) : byKey.computeIfAbsent(r.key, k -> new ArrayList<>())).add(h);
            count++;
        }
        Comparator<Head> largestFirst = Comparator.comparingLong(Head::size).reversed()
                .thenComparingInt(Head::order);
        Map<Long, Integer> runKeys = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            if (!byRun.get(b).isEmpty()) {
                byte[] run = new byte[block];
                java.util.Arrays.fill(run, (byte) b);
                runKeys.put(new Rsync64Sum().update(run, 0, block).toLong(), b);
            }
        }
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<Long, List<Head>> e : byKey.entrySet()) {
            List<Head> heads = new ArrayList<>(e.getValue());
            heads.sort(largestFirst);
            groups.add(new Group(e.getKey(), List.copyOf(heads), runKeys.getOrDefault(e.getKey(), -1)));
        }
        for (Map.Entry<Long, Integer> e : runKeys.entrySet()) {
            if (!byKey.containsKey(e.getKey())) {
                groups.add(new Group(e.getKey(), List.of(), e.getValue()));
            }
        }
        groups.sort(Comparator.comparingLong(Group::key)); // table layout independent of HashMap order
        HeadIndex index = new HeadIndex(block, count, groups);
        for (int b = 0; b < 256; b++) {
            List<Head> heads = new ArrayList<>(byRun.get(b));
            heads.sort(largestFirst);
            index.runHeads.set(b, List.copyOf(heads));
        }
        return index;
    }

    private record Read(long key, int runByte, long runLength, int afterRun) {}

    private static Read read(Candidate c, int block) throws IOException {
        try (FileChannel f = InputFile.open(c.file(), "candidate file")) {
            byte[] head = new byte[block];
            ChannelInput.readFully(f, 0, head, 0, block, "candidate file " + c.file());
            long key = new Rsync64Sum().update(head, 0, block).toLong();
            int first = head[0];
            for (int i = 1; i < block; i++) {
                if (head[i] != first) {
                    return new Read(key, -1, 0, 0);
                }
            }
            // a run: how long, and the byte after it
            long size = Math.min(f.size(), c.size());
            byte[] buf = new byte[64 << 10];
            long at = block;
            while (at < size) {
                int n = (int) Math.min(buf.length, size - at);
                ChannelInput.readFully(f, at, buf, 0, n, "candidate file " + c.file());
                for (int i = 0; i < n; i++) {
                    if (buf[i] != first) {
                        return new Read(key, first & 0xFF, at + i, buf[i] & 0xFF);
                    }
                }
                at += n;
            }
            return new Read(key, first & 0xFF, size, 0);
        }
    }

    private static <T> T join(Future<T> f) throws IOException {
        return org.spindelta.core.Futures.join(f);
    }

    /** The hash the filter and the table use, of a sum's two halves. */
    public static int hash(int lo, int hi) {
        return (lo ^ Integer.rotateLeft(hi, 16)) * GOLDEN;
    }

    /** Whether a window whose sum hashes to {@code h} may be a head; false means it is none. */
    public boolean filterHit(int h) {
        int bit = h >>> filterShift;
        return (filter[bit >>> 6] & (1L << bit)) != 0;
    }

    /**
     * The filter's words, for a scan loop that tests {@code (filter[bit >>> 6] & (1L << bit)) != 0} with
     * {@code bit = h >>> filterShift()} itself ({@link #filterHit}); not to be modified.
     */
    long[] filter() {
        return filter;
    }

    int filterShift() {
        return filterShift;
    }

    /** The group with sum {@code key} (whose hash is {@code h}), or null. */
    public Group group(long key, int h) {
        int mask = tableGroups.length - 1;
        for (int slot = h >>> tableShift; ; slot = (slot + 1) & mask) {
            int g = tableGroups[slot];
            if (g < 0) {
                return null;
            }
            if (tableKeys[slot] == key) {
                return groups[g];
            }
        }
    }

    /** Candidates starting with a run of {@code b} of at least the block length, largest first. */
    public List<Head> runHeads(int b) {
        return runHeads.get(b);
    }

    /** Bytes per head: windows of this length are summed. */
    public int blockLength() {
        return blockLength;
    }

    /** Candidates indexed. */
    public int size() {
        return candidates;
    }
}
