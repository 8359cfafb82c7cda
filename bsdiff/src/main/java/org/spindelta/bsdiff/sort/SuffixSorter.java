package org.spindelta.bsdiff.sort;

import java.util.Arrays;
import java.util.Objects;

/**
 * Linear-time suffix array construction by induced sorting (SA-IS).
 *
 * <p>The algorithm is the one of G. Nong, S. Zhang and W. H. Chan, "Two Efficient Algorithms
 * for Linear Time Suffix Array Construction" (IEEE Trans. Computers, 2011; DCC 2009), arranged
 * in the space-saving way popularised by Yuta Mori's {@code sais}: no type array is kept (types
 * are recomputed from neighbouring characters and carried in the sign bit of SA entries), and
 * the reduced problem of each recursion level, together with its bucket array when it fits,
 * lives in the unused part of {@code sa}.
 *
 * <h2>Ordering contract</h2>
 * {@code sa[0..length)} receives the start positions of all suffixes of {@code text[0..length)}
 * in lexicographic order, where bytes compare <em>unsigned</em> (0x00 &lt; 0x7F &lt; 0x80 &lt;
 * 0xFF) and a suffix that is a proper prefix of another sorts first (as if the text were
 * followed by a sentinel smaller than every byte). Bytes of {@code text} at or beyond
 * {@code length} and entries of {@code sa} at or beyond {@code length} are neither read as
 * input nor written.
 *
 * <h2>Memory</h2>
 * The caller supplies the text ({@code n} bytes) and {@code sa} ({@code 4n} bytes), i.e. 5 bytes
 * per input byte. The sorter itself allocates two {@code int[256]} at the byte level. Recursion
 * levels (integer alphabets of size {@code k < n/2}) keep their reduced string and their bucket
 * array in the free part of {@code sa}; only when that free part is smaller than {@code k} is a
 * temporary {@code int[k]} allocated, and at most one such array is reachable at any time. No
 * per-element objects are created. Running time is O(n) for every input (including highly
 * repetitive ones); recursion depth is O(log n) because each level at least halves the problem.
 *
 * <p>Intermediate arithmetic never exceeds {@code n + 1}, so any {@code length} up to the
 * largest Java array size is handled without {@code int} overflow.
 */
public final class SuffixSorter {

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
    sortBytes(text, sa, length);
  }

  /*
   * Conventions shared by both levels (byte text and integer text).
   *
   * Types (paper, Section 2): suffix i is S-type if it is smaller than suffix i+1, L-type
   * otherwise; the last suffix is L-type because of the implicit sentinel. Equivalently, i is S
   * iff T[i] < T[i+1], or T[i] == T[i+1] and i+1 is S. Position i is LMS (leftmost S) if it is S
   * and i-1 is L; 0 is never LMS, and the implicit sentinel at n is LMS (it is never stored).
   *
   * Buckets: all suffixes starting with character c occupy a contiguous range of SA, L-type
   * suffixes at its head and S-type ones at its tail (paper, Section 3.1, Lemma 3.3).
   *
   * No type array is kept. During the induction scans the type of an entry's predecessor is
   * decided when the entry is written and stored in the sign bit:
   *   - an L-type entry j is stored as ~j when j-1 is S-type (T[j-1] < T[j]), so the left-to-right
   *     L-scan does not induce from it but the right-to-left S-scan does;
   *   - an S-type entry j is stored as ~j when j-1 is S-type (T[j-1] <= T[j]), so the S-scan
   *     induces from it when it reaches it.
   * Only positive entries induce in the L-scan (their predecessor is L-type: either they are LMS
   * seeds or L-type entries with T[j-1] >= T[j]), only negative entries induce in the S-scan,
   * which also flips them back. The value 0 doubles as "empty slot": position 0 has no
   * predecessor, so it never induces anything either way.
   */

  // ------------------------------------------------------------------------------------------
  // Byte level (alphabet 256, compared unsigned).
  // ------------------------------------------------------------------------------------------

  private static void sortBytes(byte[] t, int[] sa, int n) {
    int[] count = new int[BYTE_ALPHABET];
    int[] bkt = new int[BYTE_ALPHABET];
    for (int i = 0; i < n; i++) {
      count[t[i] & 0xFF]++;
    }

    // Stage 1 (paper, Section 3.3, "sorting LMS-substrings"): put every LMS position at the end
    // of its bucket in arbitrary (here: text) order, then one L-scan and one S-scan sort the LMS
    // substrings; equal substrings end up adjacent, in unspecified relative order.
    Arrays.fill(sa, 0, n, 0);
    bucketEnds(count, bkt);
    int m = seedLmsBytes(t, sa, bkt, n);
    if (m > 0) {
      bucketStarts(count, bkt);
      induceLBytes(t, sa, bkt, n, true);
      bucketEnds(count, bkt);
      induceSBytes(t, sa, bkt, n, true);
      compactLms(sa, n, m);

      // Stage 2 (paper, Section 3.3/3.4): name the LMS substrings; the reduced string of names
      // in text order is stored at sa[n-m..n). Sorting its suffixes (recursively unless all
      // names differ) sorts the LMS suffixes (paper, Theorem 3.13 / Lemma 3.9).
      int names = nameLmsBytes(t, sa, n, m);
      solveReduced(sa, n, m, names);

      // Map the reduced suffix array back to text positions: sa[n-m..n) := LMS positions in
      // text order, then sa[i] := lms[sa[i]].
      lmsPositionsBytes(t, sa, n, m);
      int base = n - m;
      for (int i = 0; i < m; i++) {
        sa[i] = sa[base + sa[i]];
      }

      // Stage 3 (paper, Section 3.2, induced sort with sorted seeds): place the sorted LMS
      // suffixes at the ends of their buckets keeping their order. Processing from the largest
      // one, each target slot is >= its current index, so nothing unprocessed is overwritten.
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

  /** Places each LMS position at the current end of its bucket; returns the number of them. */
  private static int seedLmsBytes(byte[] t, int[] sa, int[] bkt, int n) {
    int m = 0;
    int c1 = t[n - 1] & 0xFF;
    int s1 = 0; // the last suffix is L-type
    for (int i = n - 2; i >= 0; i--) {
      int c0 = t[i] & 0xFF;
      int s0 = c0 - c1 - s1 >>> 31; // 1 iff S-type
      if (s1 > s0) {
        sa[--bkt[c1]] = i + 1;
        m++;
      }
      c1 = c0;
      s1 = s0;
    }
    return m;
  }

  /**
   * Left-to-right scan inducing L-type suffixes (paper, Section 3.2 step 2 / Section 3.3):
   * when the scan meets suffix j whose predecessor j-1 is L-type, suffix j-1 is the smallest
   * not-yet-placed suffix of bucket T[j-1] and goes to that bucket's head. The suffix n-1 is
   * induced first from the implicit sentinel, which is the smallest suffix.
   *
   * <p>With {@code lmsOnly} (stage 1) entries are cleared once they have induced, because only
   * the L-type entries whose predecessor is S are needed by the following S-scan.
   */
  private static void induceLBytes(byte[] t, int[] sa, int[] bkt, int n, boolean lmsOnly) {
    int j = n - 1;
    int c = t[j] & 0xFF;
    sa[bkt[c]++] = j ^ ((t[j - 1] & 0xFF) - c >> 31); // n >= 2 here
    for (int i = 0; i < n; i++) {
      int v = sa[i];
      if (v > 0) {
        j = v - 1;
        c = t[j] & 0xFF;
        // ~j (== j ^ -1) when T[j-1] < T[j], i.e. j-1 is S-type; computed without a branch
        // because it depends on a cache-missing load and is unpredictable.
        int mark = j > 0 ? (t[j - 1] & 0xFF) - c >> 31 : 0;
        sa[bkt[c]++] = j ^ mark;
        if (lmsOnly) {
          sa[i] = 0;
        }
      }
    }
  }

  /**
   * Right-to-left scan inducing S-type suffixes (paper, Section 3.2 step 3): when the scan meets
   * suffix j whose predecessor is S-type, suffix j-1 is the largest not-yet-placed suffix of
   * bucket T[j-1] and goes to that bucket's tail. Every S-type slot is written before the scan
   * reaches it, so stale LMS seeds are overwritten.
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
        // ~j when T[j-1] <= T[j], i.e. j-1 is S-type (j is S-type here).
        int mark = j > 0 ? (t[j - 1] & 0xFF) - c - 1 >> 31 : 0;
        sa[--bkt[c]] = j ^ mark;
      }
    }
  }

  /**
   * Names the sorted LMS substrings held in sa[0..m) and leaves the reduced string (names in text
   * order, 0-based) in sa[n-m..n). Returns the number of distinct names.
   *
   * <p>Substring lengths are parked at sa[m + p/2]: LMS positions are at least two apart and
   * m <= n/2, so these slots are distinct and inside sa[m..n).
   */
  private static int nameLmsBytes(byte[] t, int[] sa, int n, int m) {
    Arrays.fill(sa, m, n, 0);
    int next = n; // the LMS substring of the last LMS position runs into the sentinel
    int c1 = t[n - 1] & 0xFF;
    int s1 = 0;
    for (int i = n - 2; i >= 0; i--) {
      int c0 = t[i] & 0xFF;
      int s0 = c0 - c1 - s1 >>> 31; // 1 iff S-type
      if (s1 > s0) {
        int p = i + 1;
        sa[m + (p >>> 1)] = next - p + 1;
        next = p;
      }
      c1 = c0;
      s1 = s0;
    }

    int name = 0;
    int prev = 0;
    int prevLen = 0;
    for (int i = 0; i < m; i++) {
      int p = sa[i];
      int slot = m + (p >>> 1);
      int len = sa[slot];
      // Equal characters over equal lengths imply equal types, hence equal LMS substrings.
      // A substring reaching the sentinel (len > n - p) is unique.
      boolean same = len == prevLen && len <= n - p && len <= n - prev
          && Arrays.equals(t, p, p + len, t, prev, prev + len);
      if (!same) {
        name++;
        prev = p;
        prevLen = len;
      }
      sa[slot] = name; // 1-based so that 0 still marks an empty slot
    }
    compactNames(sa, n, m);
    return name;
  }

  /** Writes the LMS positions, in text order, to sa[n-m..n). */
  private static void lmsPositionsBytes(byte[] t, int[] sa, int n, int m) {
    int w = n - 1;
    int c1 = t[n - 1] & 0xFF;
    int s1 = 0;
    for (int i = n - 2; i >= 0; i--) {
      int c0 = t[i] & 0xFF;
      int s0 = c0 - c1 - s1 >>> 31; // 1 iff S-type
      if (s1 > s0) {
        sa[w--] = i + 1;
      }
      c1 = c0;
      s1 = s0;
    }
    assert w == n - m - 1;
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
   * Gathers the 1-based names from sa[m..n) (zeros are empty) into sa[n-m..n) as 0-based names,
   * keeping text order. Writing right to left, the write index never falls below the read index.
   */
  private static void compactNames(int[] sa, int n, int m) {
    int w = n - 1;
    for (int i = n - 1; i >= m; i--) {
      int v = sa[i];
      if (v != 0) {
        sa[w--] = v - 1;
      }
    }
    assert w == n - m - 1;
  }

  /**
   * Leaves in sa[0..m) the suffix array of the reduced string sa[n-m..n) whose alphabet is
   * [0, names). If all names differ the names are the ranks; otherwise recurse with
   * sa[m..n-m) (at least as large as the alphabet only when m is small) as scratch space.
   */
  private static void solveReduced(int[] sa, int n, int m, int names) {
    int base = n - m;
    if (names < m) {
      sortInts(sa, base, m, names, m, base);
    } else {
      for (int i = 0; i < m; i++) {
        sa[sa[base + i]] = i;
      }
    }
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
  // Integer level: text is sa[tOff..tOff+n) over alphabet [0, k); the suffix array is sa[0..n)
  // (tOff >= n), and sa[freeStart..freeEnd) is scratch space disjoint from both.
  // ------------------------------------------------------------------------------------------

  /** Where the bucket pointers (and, if room allows, the character counts) of a level live. */
  private static final class Buckets {
    int[] arr;
    int cOff = -1; // offset of counts in arr, or -1 when counts are recomputed from the text
    int bOff;
  }

  private static void sortInts(int[] sa, int tOff, int n, int k, int freeStart, int freeEnd) {
    Buckets bk = new Buckets();
    long free = (long) freeEnd - freeStart;
    boolean ownArray = free < k;
    if (free >= 2L * k) {
      bk.arr = sa;
      bk.cOff = freeStart;
      bk.bOff = freeStart + k;
      countInts(sa, tOff, n, sa, freeStart, k);
    } else if (!ownArray) {
      bk.arr = sa;
      bk.bOff = freeStart;
    } else {
      bk.arr = new int[k];
      bk.bOff = 0;
    }

    Arrays.fill(sa, 0, n, 0);
    bucketsInts(sa, tOff, n, k, bk, true);
    int m = seedLmsInts(sa, tOff, n, bk.arr, bk.bOff);
    if (m > 0) {
      bucketsInts(sa, tOff, n, k, bk, false);
      induceLInts(sa, tOff, n, bk.arr, bk.bOff, true);
      bucketsInts(sa, tOff, n, k, bk, true);
      induceSInts(sa, tOff, n, bk.arr, bk.bOff, true);
      compactLms(sa, n, m);

      int names = nameLmsInts(sa, tOff, n, m);
      if (ownArray) {
        bk.arr = null; // not needed by the recursion; let it go so only one such array lives
      }
      solveReduced(sa, n, m, names);
      if (ownArray) {
        bk.arr = new int[k];
      }

      lmsPositionsInts(sa, tOff, n, m);
      int base = n - m;
      for (int i = 0; i < m; i++) {
        sa[i] = sa[base + sa[i]];
      }
      Arrays.fill(sa, m, n, 0);
      bucketsInts(sa, tOff, n, k, bk, true);
      int[] b = bk.arr;
      int bOff = bk.bOff;
      for (int i = m - 1; i >= 0; i--) {
        int p = sa[i];
        sa[i] = 0;
        sa[--b[bOff + sa[tOff + p]]] = p;
      }
    }
    bucketsInts(sa, tOff, n, k, bk, false);
    induceLInts(sa, tOff, n, bk.arr, bk.bOff, false);
    bucketsInts(sa, tOff, n, k, bk, true);
    induceSInts(sa, tOff, n, bk.arr, bk.bOff, false);
  }

  private static void countInts(int[] t, int tOff, int n, int[] c, int cOff, int k) {
    Arrays.fill(c, cOff, cOff + k, 0);
    for (int i = tOff, end = tOff + n; i < end; i++) {
      c[cOff + t[i]]++;
    }
  }

  /** Fills the bucket pointers with bucket ends ({@code end}) or starts. */
  private static void bucketsInts(int[] t, int tOff, int n, int k, Buckets bk, boolean end) {
    int[] a = bk.arr;
    int bOff = bk.bOff;
    int sum = 0;
    if (bk.cOff >= 0) {
      int cOff = bk.cOff;
      if (end) {
        for (int c = 0; c < k; c++) {
          sum += a[cOff + c];
          a[bOff + c] = sum;
        }
      } else {
        for (int c = 0; c < k; c++) {
          a[bOff + c] = sum;
          sum += a[cOff + c];
        }
      }
    } else {
      countInts(t, tOff, n, a, bOff, k);
      if (end) {
        for (int c = 0; c < k; c++) {
          sum += a[bOff + c];
          a[bOff + c] = sum;
        }
      } else {
        for (int c = 0; c < k; c++) {
          int cnt = a[bOff + c];
          a[bOff + c] = sum;
          sum += cnt;
        }
      }
    }
  }

  private static int seedLmsInts(int[] sa, int tOff, int n, int[] b, int bOff) {
    int m = 0;
    int c1 = sa[tOff + n - 1];
    int s1 = 0;
    for (int i = n - 2; i >= 0; i--) {
      int c0 = sa[tOff + i];
      int s0 = c0 - c1 - s1 >>> 31; // 1 iff S-type
      if (s1 > s0) {
        sa[--b[bOff + c1]] = i + 1;
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
        // Characters are in [0, k) with k < 2^31, so the difference cannot overflow.
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

  /** Integer-text twin of {@link #nameLmsBytes}. */
  private static int nameLmsInts(int[] sa, int tOff, int n, int m) {
    Arrays.fill(sa, m, n, 0);
    int next = n;
    int c1 = sa[tOff + n - 1];
    int s1 = 0;
    for (int i = n - 2; i >= 0; i--) {
      int c0 = sa[tOff + i];
      int s0 = c0 - c1 - s1 >>> 31; // 1 iff S-type
      if (s1 > s0) {
        int p = i + 1;
        sa[m + (p >>> 1)] = next - p + 1;
        next = p;
      }
      c1 = c0;
      s1 = s0;
    }

    int name = 0;
    int prev = 0;
    int prevLen = 0;
    for (int i = 0; i < m; i++) {
      int p = sa[i];
      int slot = m + (p >>> 1);
      int len = sa[slot];
      boolean same = len == prevLen && len <= n - p && len <= n - prev
          && Arrays.equals(sa, tOff + p, tOff + p + len, sa, tOff + prev, tOff + prev + len);
      if (!same) {
        name++;
        prev = p;
        prevLen = len;
      }
      sa[slot] = name;
    }
    compactNames(sa, n, m);
    return name;
  }

  /** Integer-text twin of {@link #lmsPositionsBytes}. */
  private static void lmsPositionsInts(int[] sa, int tOff, int n, int m) {
    int w = n - 1;
    int c1 = sa[tOff + n - 1];
    int s1 = 0;
    for (int i = n - 2; i >= 0; i--) {
      int c0 = sa[tOff + i];
      int s0 = c0 - c1 - s1 >>> 31; // 1 iff S-type
      if (s1 > s0) {
        sa[w--] = i + 1;
      }
      c1 = c0;
      s1 = s0;
    }
    assert w == n - m - 1;
  }
}
