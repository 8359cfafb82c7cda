package org.spindelta.bsdiff.sort;

import java.util.Arrays;
import java.util.Objects;

/**
 * Linear-time suffix array construction by induced sorting (SA-IS).
 *
 * <p>The algorithm is the one of G. Nong, S. Zhang and W. H. Chan, "Linear Suffix Array
 * Construction by Almost Pure Induced-Sorting" (DCC 2009; journal version "Two Efficient
 * Algorithms for Linear Time Suffix Array Construction", IEEE Trans. Computers 2011), arranged in
 * the space-saving way popularised by Yuta Mori's {@code sais}: no type array is kept (types are
 * recomputed from neighbouring characters and carried in the sign bit of SA entries), and the
 * reduced problem of each recursion level lives, with its bucket array when it fits, in the
 * unused part of {@code sa}.
 *
 * <h2>Ordering contract</h2>
 * {@code sa[0..length)} receives the start positions of all suffixes of {@code text[0..length)}
 * in lexicographic order, where bytes compare <em>unsigned</em> (0x00 &lt; 0x7F &lt; 0x80 &lt;
 * 0xFF) and a suffix that is a proper prefix of another sorts first (as if the text were
 * followed by a sentinel smaller than every byte). Bytes of {@code text} at or beyond
 * {@code length} are never read and entries of {@code sa} at or beyond {@code length} are
 * never written.
 *
 * <h2>Memory</h2>
 * The caller supplies the text ({@code n} bytes) and {@code sa} ({@code 4n} bytes): 5 bytes per
 * input byte, which is all the sorter needs besides a few {@code int[256]} at the byte level.
 * A recursion level sorts a reduced string of {@code m <= n/2} names over an alphabet of
 * {@code k < m} and keeps that string, its bucket array ({@code k} ints), a bitmap of bucket
 * starts ({@code m/32 + 1} ints) and, for naming, when there is room, a second array of
 * {@code k} ints in the part of {@code sa} left free by the level above. Only what does not fit
 * there is allocated instead: the bitmap, and/or an {@code int[k]} bucket array, of which at
 * most one is reachable at any time (it is released before recursing). This happens only for
 * texts with LMS positions nearly every other byte and many distinct LMS substrings. No
 * per-element objects are created.
 *
 * <h2>Time</h2>
 * O(n) for every input, including highly repetitive ones (runs, short periods, Fibonacci
 * words); recursion depth is O(log n) since each level at most halves the problem. The hot
 * loops are memory-latency bound: each induction step reads the text at a position unrelated
 * to the previous one.
 *
 * <p>Indices stay {@code int} throughout; no intermediate value exceeds the array length plus
 * a small constant, so any {@code length} up to the largest Java array size is handled without
 * overflow. Texts longer than 2^30 bytes name LMS substrings by comparing them (slower) because
 * the group flag used otherwise needs bit 30 of an SA entry.
 *
 * <p>This class is stateless and thread-safe; the arrays passed in must not be modified
 * concurrently.
 */
public final class SuffixSorter {

  /**
   * Bit 30 of an SA entry marks "first entry of its group" while sorting LMS substrings; usable
   * when every position fits in 30 bits, i.e. {@code n <= FLAG}, which always holds below the
   * byte level.
   */
  private static final int FLAG = 1 << 30;
  private static final int MASK = FLAG - 1;
  private static final int BYTE_ALPHABET = 256;

  private SuffixSorter() {}

  /**
   * Sorts the suffixes of {@code text[0..length)} into {@code sa[0..length)}.
   *
   * @param text   the text; only its first {@code length} bytes are used
   * @param length number of bytes of {@code text} to index, {@code 0 <= length <= text.length}
   * @param sa     output array, {@code sa.length >= length}; entries from {@code length} on are
   *               left untouched
   * @throws IllegalArgumentException if {@code length} is negative, exceeds {@code text.length}
   *                                  or exceeds {@code sa.length}
   * @throws NullPointerException     if {@code text} or {@code sa} is null
   */
  public static void sort(byte[] text, int length, int[] sa) {
    sort(text, length, sa, length <= FLAG);
  }

  /**
   * As {@link #sort(byte[], int, int[])}; {@code flagNaming == false} forces the
   * substring-comparison naming that inputs longer than 2^30 bytes use (exposed for tests).
   */
  static void sort(byte[] text, int length, int[] sa, boolean flagNaming) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(sa, "sa");
    if (length < 0 || length > text.length) {
      throw new IllegalArgumentException(
          "length " + length + " outside text of " + text.length + " bytes");
    }
    if (sa.length < length) {
      throw new IllegalArgumentException(
          "suffix array of " + sa.length + " entries is shorter than length " + length);
    }
    if (length == 0) {
      return;
    }
    if (length == 1) {
      sa[0] = 0;
      return;
    }
    sortBytes(text, sa, length, flagNaming && length <= FLAG);
  }

  /*
   * Conventions shared by both levels (byte text and integer text).
   *
   * References below are to the steps of algorithm SA-IS as the paper names them (its
   * pseudo-code figure): classify types, sort LMS-substrings by induced sorting, name them and
   * reduce, recurse, induce SA from the sorted LMS suffixes.
   *
   * Types (paper, definitions of L/S-type and LMS): suffix i is S-type if it is smaller than
   * suffix i+1, L-type otherwise; the last suffix is L-type because of the implicit sentinel.
   * Equivalently, i is S iff T[i] < T[i+1], or T[i] == T[i+1] and i+1 is S. Position i is LMS
   * (leftmost S) if it is S and i-1 is L; 0 is never LMS, and the implicit sentinel at n is LMS
   * (it is never stored).
   *
   * Buckets: all suffixes starting with character c occupy a contiguous range of SA, L-type
   * suffixes at its head and S-type ones at its tail (paper, the lemma that an L-type suffix is
   * smaller than an S-type suffix starting with the same character).
   *
   * No type array is kept. During an induction scan the type of an entry's predecessor is
   * decided when the entry is written and stored in the sign bit:
   *   - an L-type entry j is stored as ~j when j-1 is S-type (T[j-1] < T[j]), so the left-to-right
   *     L-scan does not induce from it but the right-to-left S-scan does;
   *   - an S-type entry j is stored as ~j when j-1 is S-type (T[j-1] <= T[j]), so the S-scan
   *     induces from it when it reaches it.
   * Only positive entries induce in the L-scan (their predecessor is L-type: either they are LMS
   * seeds, or L-type entries with T[j-1] >= T[j]); only negative entries induce in the S-scan,
   * which also flips them back. The value 0 doubles as "empty slot": position 0 has no
   * predecessor, so it never induces anything either way.
   *
   * The predecessor test is written without a branch (sign of a difference): it depends on a
   * cache-missing load and is unpredictable, and measured ~10% faster than the branchy form.
   */

  // ------------------------------------------------------------------------------------------
  // Byte level (alphabet 256, compared unsigned).
  // ------------------------------------------------------------------------------------------

  private static void sortBytes(byte[] t, int[] sa, int n, boolean flagNaming) {
    int[] count = new int[BYTE_ALPHABET];
    int[] bkt = new int[BYTE_ALPHABET];
    for (int i = 0; i < n; i++) {
      count[t[i] & 0xFF]++;
    }

    // Stage 1 (paper, step "sort LMS-substrings" by induced sorting): put every LMS
    // position at the end of its bucket in arbitrary (here: text) order; one L-scan and one
    // S-scan then leave the LMS substrings sorted, equal ones adjacent in unspecified order.
    Arrays.fill(sa, 0, n, 0);
    bucketEnds(count, bkt);
    int m = seedLmsBytes(t, sa, bkt, n);
    if (m > 0) {
      if (flagNaming) {
        // All seeds of one bucket are equal (one character, type S): one group per bucket.
        int end = 0;
        for (int c = 0; c < BYTE_ALPHABET; c++) {
          end += count[c];
          if (bkt[c] < end) {
            sa[bkt[c]] |= FLAG;
          }
        }
        bucketStarts(count, bkt);
        induceLGroupsBytes(t, sa, bkt, n);
        bucketEnds(count, bkt);
        induceSGroupsBytes(t, sa, bkt, n);
        compactLmsGroups(sa, n, m);
        nameLmsFromGroups(sa, n, m);
      } else {
        bucketStarts(count, bkt);
        induceLBytes(t, sa, bkt, n, true);
        bucketEnds(count, bkt);
        induceSBytes(t, sa, bkt, n, true);
        compactLms(sa, n, m);
        nameLmsByComparisonBytes(t, sa, n, m);
      }
      // Stage 2 (paper, step "name LMS-substrings" and the recursion): the names in text order
      // form the reduced string, now at sa[n-m..n); by the paper's reduction theorem its suffix
      // array orders the LMS suffixes.
      int names = compactNames(sa, n, m);
      solveReduced(sa, n, m, names);

      // Map the reduced suffix array back to text positions: sa[n-m..n) := LMS positions in
      // text order, then sa[i] := lms[sa[i]].
      lmsPositionsBytes(t, sa, n);
      int base = n - m;
      for (int i = 0; i < m; i++) {
        sa[i] = sa[base + sa[i]];
      }

      // Stage 3 (paper, step "induce SA from SA1"): place the sorted LMS suffixes at the
      // ends of their buckets keeping their order. Going from the largest one, each target slot
      // is >= its current index, so nothing not yet moved is overwritten.
      Arrays.fill(sa, m, n, 0);
      bucketEnds(count, bkt);
      for (int i = m - 1; i >= 0; i--) {
        int p = sa[i];
        sa[i] = 0;
        sa[--bkt[t[p] & 0xFF]] = p;
      }
    }
    bucketStarts(count, bkt);
    induceLBytes(t, sa, bkt, n, false);
    bucketEnds(count, bkt);
    induceSBytes(t, sa, bkt, n, false);
  }

  /** Places each LMS position at the current end of its bucket; returns how many there are. */
  private static int seedLmsBytes(byte[] t, int[] sa, int[] bkt, int n) {
    int m = 0;
    int c1 = t[n - 1] & 0xFF;
    int s1 = 0; // type of position i+1, 1 = S; the last suffix is L-type
    for (int i = n - 2; i >= 0; i--) {
      int c0 = t[i] & 0xFF;
      int s0 = c0 - c1 - s1 >>> 31; // 1 iff T[i] < T[i+1], or equal and i+1 is S
      if (s1 > s0) { // i+1 is S, i is L: i+1 is LMS
        sa[--bkt[c1]] = i + 1;
        m++;
      }
      c1 = c0;
      s1 = s0;
    }
    return m;
  }

  /**
   * Left-to-right scan inducing L-type suffixes (paper, induced sorting, L-type step): when
   * the scan meets suffix j whose predecessor j-1 is L-type, suffix j-1 is the smallest suffix
   * of bucket T[j-1] not yet placed and goes to that bucket's head. Suffix n-1 is induced first,
   * from the implicit sentinel, which is the smallest suffix.
   *
   * <p>With {@code lmsOnly} (stage 1) entries are cleared once they have induced, because only
   * the L-type entries whose predecessor is S-type are needed by the following S-scan.
   */
  private static void induceLBytes(byte[] t, int[] sa, int[] bkt, int n, boolean lmsOnly) {
    int j = n - 1;
    int c = t[j] & 0xFF;
    sa[bkt[c]++] = j ^ ((t[j - 1] & 0xFF) - c >> 31); // n >= 2 at this level
    for (int i = 0; i < n; i++) {
      int v = sa[i];
      if (v > 0) {
        j = v - 1;
        c = t[j] & 0xFF;
        int mark = j > 0 ? (t[j - 1] & 0xFF) - c >> 31 : 0; // -1 iff j-1 is S-type
        sa[bkt[c]++] = j ^ mark;
        if (lmsOnly) {
          sa[i] = 0;
        }
      }
    }
  }

  /**
   * Right-to-left scan inducing S-type suffixes (paper, induced sorting, S-type step): when the
   * scan meets suffix j whose predecessor is S-type, suffix j-1 is the largest suffix of bucket
   * T[j-1] not yet placed and goes to that bucket's tail. Every S-type slot is written before
   * the scan reaches it, so stale LMS seeds are overwritten.
   *
   * <p>With {@code lmsOnly} (stage 1) every entry that induced is cleared, so afterwards the only
   * positive entries are the LMS positions, in sorted LMS-substring order.
   */
  private static void induceSBytes(byte[] t, int[] sa, int[] bkt, int n, boolean lmsOnly) {
    for (int i = n - 1; i >= 0; i--) {
      int v = sa[i];
      if (v < 0) {
        int j = ~v;
        sa[i] = lmsOnly ? 0 : j;
        j--;
        int c = t[j] & 0xFF;
        int mark = j > 0 ? (t[j - 1] & 0xFF) - c - 1 >> 31 : 0; // -1 iff T[j-1] <= T[j]
        sa[--bkt[c]] = j ^ mark;
      }
    }
  }

  /*
   * Stage 1 with naming folded in (byte level: n <= 2^30; integer levels: when a second array
   * of k ints fits in the free space). Besides the position and the sign mark,
   * every entry carries FLAG when it is the first (leftmost) of its group, a group being a
   * maximal run of entries whose sort keys -- the substring up to and including the next LMS
   * character, with types -- are equal. The induction preserves groups: two suffixes induced
   * into the same bucket by the same scan have equal keys iff their inducers (their successors)
   * were in the same group, because the key of j-1 is T[j-1] followed by the key of j. So each
   * scan tracks the group of the entry it is reading and, per bucket, the group that induced the
   * previous entry of that bucket. At the end the LMS substrings are not only sorted but also
   * split into groups of equal ones, which are exactly the names (paper, naming step), without
   * comparing any characters.
   *
   * An entry that has done its job is cleared to its flag alone ("phantom"), because the flag
   * still delimits its group for the other scan. Positions are < 2^30, so FLAG never collides
   * with a position, and FLAG alone decodes to position 0, which induces nothing.
   */

  private static void induceLGroupsBytes(byte[] t, int[] sa, int[] bkt, int n) {
    int[] lastGroup = new int[BYTE_ALPHABET];
    Arrays.fill(lastGroup, -1);
    // The sentinel is a group of its own (id -2); suffix n-1 is the first of its bucket.
    int j = n - 1;
    int c = t[j] & 0xFF;
    lastGroup[c] = -2;
    sa[bkt[c]++] = (j | FLAG) ^ ((t[j - 1] & 0xFF) - c >> 31);
    int group = -2;
    for (int i = 0; i < n; i++) {
      int v = sa[i];
      int x = v ^ (v >> 31); // undo the sign mark
      // A flagged entry opens a new group; positions serve as unique group ids.
      group = (x & FLAG) != 0 ? i : group;
      if (v > 0) {
        sa[i] = x & FLAG;
        j = (x & MASK) - 1;
        if (j >= 0) {
          c = t[j] & 0xFF;
          int mark = j > 0 ? (t[j - 1] & 0xFF) - c >> 31 : 0;
          int first = lastGroup[c] == group ? 0 : FLAG;
          lastGroup[c] = group;
          sa[bkt[c]++] = (j | first) ^ mark;
        }
      }
    }
  }

  private static void induceSGroupsBytes(byte[] t, int[] sa, int[] bkt, int n) {
    int[] lastGroup = new int[BYTE_ALPHABET];
    Arrays.fill(lastGroup, -1);
    int group = n; // ids are positions where a group boundary was passed; n is unused
    for (int i = n - 1; i >= 0; i--) {
      int v = sa[i];
      int flag = v & FLAG;
      if (v < 0) {
        int x = ~v;
        flag = x & FLAG;
        int j = (x & MASK) - 1; // >= 0: only entries with a predecessor are marked
        int c = t[j] & 0xFF;
        int mark = j > 0 ? (t[j - 1] & 0xFF) - c - 1 >> 31 : 0;
        int b = --bkt[c];
        // Filling right to left, each new entry is tentatively the first of its group; if the
        // previous entry of this bucket (at b+1) turns out to be in the same group, it was not.
        // Its FLAG is set, so toggling clears it whichever sign it carries. When that entry is
        // the one being read (b+1 == i, typical inside runs), it is the phantom written below.
        if (lastGroup[c] == group) {
          if (b + 1 == i) {
            flag = 0;
          } else {
            sa[b + 1] ^= FLAG;
          }
        }
        sa[i] = flag;
        lastGroup[c] = group;
        sa[b] = (j | FLAG) ^ mark;
      }
      // The flag of entry i is final now.
      group = flag != 0 ? i : group;
    }
  }

  /**
   * Moves the LMS positions (the entries with a non-zero position after the grouped stage 1) to
   * sa[0..m) in order, marking each that starts a new group of equal LMS substrings as ~p. A
   * group may start at a non-LMS entry, so flags are accumulated until the next LMS entry.
   */
  private static void compactLmsGroups(int[] sa, int n, int m) {
    int w = 0;
    int pending = 0;
    for (int i = 0; i < n; i++) {
      int v = sa[i];
      pending |= v;
      int p = v & MASK;
      if (p != 0) {
        sa[w++] = (pending & FLAG) != 0 ? ~p : p;
        pending = 0;
      }
    }
    assert w == m;
  }

  /**
   * Comparison naming (inputs over 2^30 bytes, and tests): marks the entries of sa[0..m) that
   * start a new group of equal LMS substrings as ~p, comparing neighbours character by
   * character. Substring lengths are parked at sa[m + p/2]: LMS positions are at least two apart
   * and m <= n/2, so these slots are distinct and inside sa[m..n).
   */
  private static void nameLmsByComparisonBytes(byte[] t, int[] sa, int n, int m) {
    Arrays.fill(sa, m, n, 0);
    int next = n; // the substring of the last LMS position runs into the sentinel
    int c1 = t[n - 1] & 0xFF;
    int s1 = 0;
    for (int i = n - 2; i >= 0; i--) {
      int c0 = t[i] & 0xFF;
      int s0 = c0 - c1 - s1 >>> 31;
      if (s1 > s0) {
        int p = i + 1;
        sa[m + (p >>> 1)] = next - p + 1;
        next = p;
      }
      c1 = c0;
      s1 = s0;
    }
    int prev = 0;
    int prevLen = 0;
    for (int i = 0; i < m; i++) {
      int p = sa[i];
      int len = sa[m + (p >>> 1)];
      // Equal characters over equal lengths imply equal types, hence equal LMS substrings.
      // A substring reaching the sentinel (len > n - p) is unique.
      boolean same = len == prevLen && len <= n - p && len <= n - prev
          && Arrays.equals(t, p, p + len, t, prev, prev + len);
      if (!same) {
        sa[i] = ~p;
        prev = p;
        prevLen = len;
      }
    }
    nameLmsFromGroups(sa, n, m);
  }

  /** Writes the LMS positions, in text order, to sa[n-m..n). */
  private static void lmsPositionsBytes(byte[] t, int[] sa, int n) {
    int w = n - 1;
    int c1 = t[n - 1] & 0xFF;
    int s1 = 0;
    for (int i = n - 2; i >= 0; i--) {
      int c0 = t[i] & 0xFF;
      int s0 = c0 - c1 - s1 >>> 31;
      if (s1 > s0) {
        sa[w--] = i + 1;
      }
      c1 = c0;
      s1 = s0;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Shared helpers.
  // ------------------------------------------------------------------------------------------

  /** Moves the positive entries (the LMS positions after stage 1) to sa[0..m), keeping order. */
  private static void compactLms(int[] sa, int n, int m) {
    int w = 0;
    for (int i = 0; i < n; i++) {
      int v = sa[i];
      if (v > 0) {
        sa[w++] = v;
      }
    }
    assert w == m;
  }

  /**
   * Given sa[0..m) = LMS positions in sorted LMS-substring order, group starts marked as ~p,
   * stores the 1-based name of position p at sa[m + p/2] (distinct slots, see
   * {@link #nameLmsByComparisonBytes}); every other slot of sa[m..n) is set to 0.
   */
  private static void nameLmsFromGroups(int[] sa, int n, int m) {
    Arrays.fill(sa, m, n, 0);
    int name = 0;
    for (int i = 0; i < m; i++) {
      int v = sa[i];
      int p = v ^ (v >> 31);
      name -= v >> 31; // +1 at group starts
      sa[m + (p >>> 1)] = name;
    }
  }

  /**
   * Gathers the 1-based names from sa[m..n) (zeros are empty) into sa[n-m..n) as 0-based names,
   * keeping text order, and returns the number of distinct names. Writing right to left, the
   * write index never falls below the read index.
   */
  private static int compactNames(int[] sa, int n, int m) {
    int w = n - 1;
    int names = 0;
    for (int i = n - 1; i >= m; i--) {
      int v = sa[i];
      if (v != 0) {
        sa[w--] = v - 1;
        names = Math.max(names, v);
      }
    }
    assert w == n - m - 1;
    return names;
  }

  /**
   * Leaves in sa[0..m) the suffix array of the reduced string sa[n-m..n), whose alphabet is
   * [0, names), given sa[0..m) = the sorted LMS positions with group starts marked as ~p. If all
   * names differ the names are the ranks. Otherwise recurse, with sa[m..n-m) as scratch space
   * for the bucket array and a bitmap of the group starts, from which the recursion derives its
   * bucket boundaries (the group of name c starts at the c-th set bit) without counting.
   */
  private static void solveReduced(int[] sa, int n, int m, int names) {
    int base = n - m;
    if (names == m) {
      for (int i = 0; i < m; i++) {
        sa[sa[base + i]] = i;
      }
      return;
    }
    int words = (m >>> 5) + 1;
    int freeEnd = base;
    int[] bits;
    int bitsOff;
    if (freeEnd - m >= words) {
      bits = sa;
      bitsOff = freeEnd - words;
      freeEnd = bitsOff;
    } else {
      bits = new int[words];
      bitsOff = 0;
    }
    Arrays.fill(bits, bitsOff, bitsOff + words, 0);
    for (int i = 0; i < m; i++) {
      bits[bitsOff + (i >>> 5)] |= (sa[i] >>> 31) << i;
    }
    sortInts(sa, base, m, names, m, freeEnd, bits, bitsOff);
  }

  private static void bucketStarts(int[] count, int[] bkt) {
    int sum = 0;
    for (int c = 0; c < count.length; c++) {
      bkt[c] = sum;
      sum += count[c]; // never exceeds n, so no overflow
    }
  }

  private static void bucketEnds(int[] count, int[] bkt) {
    int sum = 0;
    for (int c = 0; c < count.length; c++) {
      sum += count[c];
      bkt[c] = sum;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Integer level: the text is sa[tOff..tOff+n) over the alphabet [0, k); the suffix array is
  // sa[0..n) (tOff >= n); sa[freeStart..freeEnd) is scratch space disjoint from both; bit i of
  // bits[bitsOff..] is set iff the bucket of some character starts at i.
  // ------------------------------------------------------------------------------------------

  private static void sortInts(int[] sa, int tOff, int n, int k, int freeStart, int freeEnd,
      int[] bits, int bitsOff) {
    long free = (long) freeEnd - freeStart;
    boolean ownBuckets = free < k;
    int[] bkt = ownBuckets ? new int[k] : sa;
    int bOff = ownBuckets ? 0 : freeStart;
    // Grouped stage 1 needs a second array of k ints (the last group per bucket); use it only
    // when it fits in the free space, else name by comparing substrings.
    boolean grouped = free >= 2L * k;
    int gOff = freeStart + k;

    Arrays.fill(sa, 0, n, 0);
    bucketsFromBits(bits, bitsOff, n, k, bkt, bOff, true);
    int m = seedLmsInts(sa, tOff, n, bkt, bOff);
    if (m > 0) {
      if (grouped) {
        bucketsFromBits(bits, bitsOff, n, k, sa, gOff, true);
        for (int c = 0; c < k; c++) {
          if (bkt[bOff + c] < sa[gOff + c]) {
            sa[bkt[bOff + c]] |= FLAG; // leftmost seed of a non-empty seed group
          }
        }
        bucketsFromBits(bits, bitsOff, n, k, bkt, bOff, false);
        induceLGroupsInts(sa, tOff, n, k, bkt, bOff, gOff);
        bucketsFromBits(bits, bitsOff, n, k, bkt, bOff, true);
        induceSGroupsInts(sa, tOff, n, k, bkt, bOff, gOff);
        compactLmsGroups(sa, n, m);
        nameLmsFromGroups(sa, n, m);
      } else {
        bucketsFromBits(bits, bitsOff, n, k, bkt, bOff, false);
        induceLInts(sa, tOff, n, bkt, bOff, true);
        bucketsFromBits(bits, bitsOff, n, k, bkt, bOff, true);
        induceSInts(sa, tOff, n, bkt, bOff, true);
        compactLms(sa, n, m);
        nameLmsByComparisonInts(sa, tOff, n, m);
      }
      int names = compactNames(sa, n, m);
      if (ownBuckets) {
        bkt = null; // not needed by the recursion; drop it so only one such array is live
      }
      solveReduced(sa, n, m, names);
      if (ownBuckets) {
        bkt = new int[k];
      }

      lmsPositionsInts(sa, tOff, n);
      int base = n - m;
      for (int i = 0; i < m; i++) {
        sa[i] = sa[base + sa[i]];
      }
      Arrays.fill(sa, m, n, 0);
      bucketsFromBits(bits, bitsOff, n, k, bkt, bOff, true);
      for (int i = m - 1; i >= 0; i--) {
        int p = sa[i];
        sa[i] = 0;
        sa[--bkt[bOff + sa[tOff + p]]] = p;
      }
    }
    bucketsFromBits(bits, bitsOff, n, k, bkt, bOff, false);
    induceLInts(sa, tOff, n, bkt, bOff, false);
    bucketsFromBits(bits, bitsOff, n, k, bkt, bOff, true);
    induceSInts(sa, tOff, n, bkt, bOff, false);
  }

  /**
   * Fills bkt[bOff..bOff+k) with bucket starts, or ends ({@code end}), read off the bitmap of
   * bucket starts: one sequential pass instead of counting characters at random.
   */
  private static void bucketsFromBits(int[] bits, int bitsOff, int n, int k, int[] bkt, int bOff,
      boolean end) {
    int c = end ? bOff - 1 : bOff; // with ends, the start of bucket c is the end of bucket c-1
    int words = (n >>> 5) + 1;
    for (int w = 0; w < words; w++) {
      int word = bits[bitsOff + w];
      while (word != 0) {
        int pos = (w << 5) + Integer.numberOfTrailingZeros(word);
        word &= word - 1;
        if (c >= bOff) {
          bkt[c] = pos;
        }
        c++;
      }
    }
    if (end) {
      bkt[c] = n;
    }
    assert c == bOff + (end ? k - 1 : k);
  }

  private static int seedLmsInts(int[] sa, int tOff, int n, int[] bkt, int bOff) {
    int m = 0;
    int c1 = sa[tOff + n - 1];
    int s1 = 0;
    for (int i = n - 2; i >= 0; i--) {
      int c0 = sa[tOff + i];
      int s0 = c0 - c1 - s1 >>> 31; // characters are < 2^30: no overflow
      if (s1 > s0) {
        sa[--bkt[bOff + c1]] = i + 1;
        m++;
      }
      c1 = c0;
      s1 = s0;
    }
    return m;
  }

  /** Integer-text twin of {@link #induceLBytes}. */
  private static void induceLInts(int[] sa, int tOff, int n, int[] bkt, int bOff,
      boolean lmsOnly) {
    int j = n - 1;
    int c = sa[tOff + j];
    sa[bkt[bOff + c]++] = j > 0 ? j ^ (sa[tOff + j - 1] - c >> 31) : j;
    for (int i = 0; i < n; i++) {
      int v = sa[i];
      if (v > 0) {
        j = v - 1;
        c = sa[tOff + j];
        int mark = j > 0 ? sa[tOff + j - 1] - c >> 31 : 0;
        sa[bkt[bOff + c]++] = j ^ mark;
        if (lmsOnly) {
          sa[i] = 0;
        }
      }
    }
  }

  /** Integer-text twin of {@link #induceSBytes}. */
  private static void induceSInts(int[] sa, int tOff, int n, int[] bkt, int bOff,
      boolean lmsOnly) {
    for (int i = n - 1; i >= 0; i--) {
      int v = sa[i];
      if (v < 0) {
        int j = ~v;
        sa[i] = lmsOnly ? 0 : j;
        j--;
        int c = sa[tOff + j];
        int mark = j > 0 ? sa[tOff + j - 1] - c - 1 >> 31 : 0;
        sa[--bkt[bOff + c]] = j ^ mark;
      }
    }
  }

  /**
   * Integer-text twin of {@link #induceLGroupsBytes}; the last group per bucket lives at
   * sa[gOff..gOff+k). Positions at this level are below 2^30 because n is at most half the
   * byte-level length.
   */
  private static void induceLGroupsInts(int[] sa, int tOff, int n, int k, int[] bkt, int bOff,
      int gOff) {
    Arrays.fill(sa, gOff, gOff + k, -1);
    int j = n - 1;
    int c = sa[tOff + j];
    sa[gOff + c] = -2;
    sa[bkt[bOff + c]++] = (j | FLAG) ^ (j > 0 ? sa[tOff + j - 1] - c >> 31 : 0);
    int group = -2;
    for (int i = 0; i < n; i++) {
      int v = sa[i];
      int x = v ^ (v >> 31);
      group = (x & FLAG) != 0 ? i : group;
      if (v > 0) {
        sa[i] = x & FLAG;
        j = (x & MASK) - 1;
        if (j >= 0) {
          c = sa[tOff + j];
          int mark = j > 0 ? sa[tOff + j - 1] - c >> 31 : 0;
          int first = sa[gOff + c] == group ? 0 : FLAG;
          sa[gOff + c] = group;
          sa[bkt[bOff + c]++] = (j | first) ^ mark;
        }
      }
    }
  }

  /** Integer-text twin of {@link #induceSGroupsBytes}. */
  private static void induceSGroupsInts(int[] sa, int tOff, int n, int k, int[] bkt, int bOff,
      int gOff) {
    Arrays.fill(sa, gOff, gOff + k, -1);
    int group = n;
    for (int i = n - 1; i >= 0; i--) {
      int v = sa[i];
      int flag = v & FLAG;
      if (v < 0) {
        int x = ~v;
        flag = x & FLAG;
        int j = (x & MASK) - 1;
        int c = sa[tOff + j];
        int mark = j > 0 ? sa[tOff + j - 1] - c - 1 >> 31 : 0;
        int b = --bkt[bOff + c];
        if (sa[gOff + c] == group) {
          if (b + 1 == i) {
            flag = 0;
          } else {
            sa[b + 1] ^= FLAG;
          }
        }
        sa[i] = flag;
        sa[gOff + c] = group;
        sa[b] = (j | FLAG) ^ mark;
      }
      group = flag != 0 ? i : group;
    }
  }

  /** Integer-text twin of {@link #nameLmsByComparisonBytes}. */
  private static void nameLmsByComparisonInts(int[] sa, int tOff, int n, int m) {
    Arrays.fill(sa, m, n, 0);
    int next = n;
    int c1 = sa[tOff + n - 1];
    int s1 = 0;
    for (int i = n - 2; i >= 0; i--) {
      int c0 = sa[tOff + i];
      int s0 = c0 - c1 - s1 >>> 31;
      if (s1 > s0) {
        int p = i + 1;
        sa[m + (p >>> 1)] = next - p + 1;
        next = p;
      }
      c1 = c0;
      s1 = s0;
    }
    int prev = 0;
    int prevLen = 0;
    for (int i = 0; i < m; i++) {
      int p = sa[i];
      int len = sa[m + (p >>> 1)];
      boolean same = len == prevLen && len <= n - p && len <= n - prev
          && Arrays.equals(sa, tOff + p, tOff + p + len, sa, tOff + prev, tOff + prev + len);
      if (!same) {
        sa[i] = ~p;
        prev = p;
        prevLen = len;
      }
    }
    nameLmsFromGroups(sa, n, m);
  }

  /** Integer-text twin of {@link #lmsPositionsBytes}. */
  private static void lmsPositionsInts(int[] sa, int tOff, int n) {
    int w = n - 1;
    int c1 = sa[tOff + n - 1];
    int s1 = 0;
    for (int i = n - 2; i >= 0; i--) {
      int c0 = sa[tOff + i];
      int s0 = c0 - c1 - s1 >>> 31;
      if (s1 > s0) {
        sa[w--] = i + 1;
      }
      c1 = c0;
      s1 = s0;
    }
  }
}
