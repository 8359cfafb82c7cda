package org.spindelta.squashfs.pool;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.spindelta.core.Sha256;
import org.spindelta.squashfs.chunk.ChunkUse;

/**
 * Cuts a decoded fragment block into groups of the file tails it packs. mksquashfs packs tails in walk
 * order, so a spin that adds, removes or changes one small file shifts every later tail into other
 * fragment blocks: as whole blocks, nearly every fragment block of a spin would be new content (measured
 * on the Debian xz family: 31 MB of the localized spin's 77 MB of new decoded content, 30 of the updated
 * spin's 63). Grouped by content, the unchanged tails are the chunks already stored.
 *
 * <p>A group ends after a tail whose SHA-256 starts with {@link #BOUNDARY_BITS} zero bits (content-defined,
 * so the groups after a change fall into step again), at the block's end, and at the latest after
 * {@link #MAX_TAILS} tails; a tail of {@link #LARGE_TAIL} bytes or more is a group alone. Groups of about 8 tails keep the cost per chunk (36 bytes in a recipe, 44 in a
 * pack index) small against what they save.
 */
final class FragmentParts {
    static final int BOUNDARY_BITS = 3;
    static final int MAX_TAILS = 64;
    /**
     * A tail this long is a group of its own: what it saves when it moves to another block dwarfs what a
     * group costs, and a block of a few large tails (common: tails of big files) would otherwise be one
     * group that changes whenever the packing shifts.
     */
    static final int LARGE_TAIL = 4096;

    private FragmentParts() {}

    /**
     * The groups, or an empty list when the block is not cut: the tails do not tile the decoded bytes
     * exactly, or they form one group (then the block's own id is the group's).
     */
    static List<Piece.Part> split(byte[] decoded, int length, List<ChunkUse> uses) {
        List<ChunkUse> sorted = new ArrayList<>(uses);
        sorted.sort(Comparator.comparingInt(ChunkUse::blockOffset).thenComparingInt(ChunkUse::length));
        List<int[]> tails = new ArrayList<>();
        int end = 0;
        for (ChunkUse u : sorted) {
            if (u.length() <= 0) {
                continue;
            }
            if (u.blockOffset() == end) {
                tails.add(new int[] {u.blockOffset(), u.length()});
                end += u.length();
            } else if (!tails.isEmpty() && u.blockOffset() == tails.get(tails.size() - 1)[0]
                    && u.length() == tails.get(tails.size() - 1)[1]) {
                continue; // a duplicate or hard link sharing the tail
            } else {
                return List.of();
            }
        }
        if (end != length || tails.size() < 2) {
            return List.of();
        }
        MessageDigest md = Sha256.newDigest();
        List<Piece.Part> parts = new ArrayList<>();
        int groupStart = 0;
        int inGroup = 0;
        for (int i = 0; i < tails.size(); i++) {
            int[] t = tails.get(i);
            md.reset();
            md.update(decoded, t[0], t[1]);
            boolean boundary = (md.digest()[0] & ((1 << BOUNDARY_BITS) - 1) << (8 - BOUNDARY_BITS)) == 0
                    || t[1] >= LARGE_TAIL || (i + 1 < tails.size() && tails.get(i + 1)[1] >= LARGE_TAIL);
            inGroup++;
            int groupEnd = t[0] + t[1];
            if (boundary || inGroup >= MAX_TAILS || i == tails.size() - 1) {
                parts.add(new Piece.Part(ChunkId.of(decoded, groupStart, groupEnd - groupStart), groupEnd - groupStart));
                groupStart = groupEnd;
                inGroup = 0;
            }
        }
        return parts.size() < 2 ? List.of() : parts;
    }
}
