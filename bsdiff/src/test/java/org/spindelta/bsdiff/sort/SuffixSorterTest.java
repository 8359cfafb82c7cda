package org.spindelta.bsdiff.sort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SuffixSorterTest {

  // ---------------------------------------------------------------------------------------
  // Reference implementation and helpers.
  // ---------------------------------------------------------------------------------------

  /** Sorts suffix start positions with a plain comparator: unsigned bytes, prefix first. */
  private static int[] naiveSuffixArray(byte[] text, int n) {
    Integer[] idx = new Integer[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Arrays.compareUnsigned(text, a, n, text, b, n));
    int[] sa = new int[n];
    for (int i = 0; i < n; i++) {
      sa[i] = idx[i];
    }
    return sa;
  }

  private static int[] sorted(byte[] text, boolean flagNaming) {
    int[] sa = new int[text.length];
    SuffixSorter.sort(text, text.length, sa, flagNaming);
    return sa;
  }

  private static void assertSortsLikeNaive(byte[] text, boolean flagNaming) {
    assertArrayEquals(naiveSuffixArray(text, text.length), sorted(text, flagNaming),
        () -> "text " + describe(text));
  }

  private static String describe(byte[] text) {
    return text.length <= 64 ? Arrays.toString(text) : text.length + " bytes";
  }

  private static byte[] random(int n, int alphabet, long seed) {
    Random r = new Random(seed);
    byte[] t = new byte[n];
    for (int i = 0; i < n; i++) {
      t[i] = (byte) r.nextInt(alphabet);
    }
    return t;
  }

  private static byte[] periodic(int n, byte[] pattern) {
    byte[] t = new byte[n];
    for (int i = 0; i < n; i++) {
      t[i] = pattern[i % pattern.length];
    }
    return t;
  }

  /** Prefix of the Fibonacci word: S0 = a, S1 = ab, S(k) = S(k-1) S(k-2). */
  private static byte[] fibonacciWord(int n, byte a, byte b) {
    byte[] t = new byte[Math.max(n, 2)];
    t[0] = a;
    t[1] = b;
    int len = 2; // |S(k)|
    int prev = 1; // |S(k-1)|, a prefix of S(k)
    while (len < n) {
      System.arraycopy(t, 0, t, len, Math.min(prev, n - len));
      int next = len + prev;
      prev = len;
      len = next;
    }
    return Arrays.copyOf(t, n);
  }

  // ---------------------------------------------------------------------------------------
  // Edge cases and argument checks.
  // ---------------------------------------------------------------------------------------

  @Test
  void emptyInputLeavesArrayUntouched() {
    int[] sa = {42};
    SuffixSorter.sort(new byte[0], 0, sa);
    assertArrayEquals(new int[] {42}, sa);
  }

  @Test
  void emptyInputWithEmptyArrays() {
    int[] sa = new int[0];
    SuffixSorter.sort(new byte[0], 0, sa);
    assertEquals(0, sa.length);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x00, 0x41, 0x7F, 0x80, 0xFF})
  void singleByte(int value) {
    int[] sa = {-1};
    SuffixSorter.sort(new byte[] {(byte) value}, 1, sa);
    assertArrayEquals(new int[] {0}, sa);
  }

  static Stream<Arguments> twoBytes() {
    return Stream.of(
        Arguments.of(0x00, 0x00, new int[] {1, 0}),
        Arguments.of(0x61, 0x61, new int[] {1, 0}),
        Arguments.of(0x61, 0x62, new int[] {0, 1}),
        Arguments.of(0x62, 0x61, new int[] {1, 0}),
        Arguments.of(0x01, 0x80, new int[] {0, 1}), // 0x80 is larger when unsigned
        Arguments.of(0x80, 0x01, new int[] {1, 0}),
        Arguments.of(0xFF, 0x00, new int[] {1, 0}),
        Arguments.of(0xFF, 0xFF, new int[] {1, 0}));
  }

  @ParameterizedTest
  @MethodSource
  void twoBytes(int first, int second, int[] expected) {
    int[] sa = new int[2];
    SuffixSorter.sort(new byte[] {(byte) first, (byte) second}, 2, sa);
    assertArrayEquals(expected, sa);
  }

  @Test
  void rejectsShortSuffixArray() {
    assertThrows(IllegalArgumentException.class,
        () -> SuffixSorter.sort(new byte[10], 10, new int[9]));
  }

  @Test
  void rejectsLengthBeyondText() {
    assertThrows(IllegalArgumentException.class,
        () -> SuffixSorter.sort(new byte[5], 6, new int[6]));
  }

  @Test
  void rejectsNegativeLength() {
    assertThrows(IllegalArgumentException.class,
        () -> SuffixSorter.sort(new byte[5], -1, new int[5]));
  }

  @Test
  void rejectsNullArguments() {
    assertThrows(NullPointerException.class, () -> SuffixSorter.sort(null, 0, new int[0]));
    assertThrows(NullPointerException.class, () -> SuffixSorter.sort(new byte[0], 0, null));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void sortsOnlyThePrefixOfLargerArrays(boolean flagNaming) {
    byte[] text = random(5000, 4, 7);
    int length = 3000;
    int[] sa = new int[4000];
    Arrays.fill(sa, -7);
    SuffixSorter.sort(text, length, sa, flagNaming);

    int[] expectedTail = new int[1000];
    Arrays.fill(expectedTail, -7);
    assertArrayEquals(naiveSuffixArray(text, length), Arrays.copyOf(sa, length));
    assertArrayEquals(expectedTail, Arrays.copyOfRange(sa, length, sa.length));
  }

  // ---------------------------------------------------------------------------------------
  // Exhaustive and random comparisons with the naive sort, in both naming modes.
  // ---------------------------------------------------------------------------------------

  static Stream<Arguments> exhaustiveCases() {
    // {alphabet, length}: every string of that length over the alphabet
    byte[] binary = {0, 1};
    byte[] ternary = {0, 1, 2};
    byte[] highTernary = {(byte) 0x7F, (byte) 0x80, (byte) 0xFF};
    Stream.Builder<Arguments> b = Stream.builder();
    for (boolean flags : new boolean[] {true, false}) {
      for (int len = 1; len <= 14; len++) {
        b.add(Arguments.of(binary, len, flags));
      }
      for (int len = 1; len <= 9; len++) {
        b.add(Arguments.of(ternary, len, flags));
      }
      b.add(Arguments.of(highTernary, 8, flags));
    }
    return b.build();
  }

  @ParameterizedTest(name = "alphabet {0}, length {1}, flag naming {2}")
  @MethodSource("exhaustiveCases")
  void allStringsOverSmallAlphabets(byte[] alphabet, int length, boolean flagNaming) {
    int k = alphabet.length;
    int count = (int) Math.pow(k, length);
    byte[] text = new byte[length];
    for (int code = 0; code < count; code++) {
      int rest = code;
      for (int i = 0; i < length; i++) {
        text[i] = alphabet[rest % k];
        rest /= k;
      }
      assertSortsLikeNaive(text, flagNaming);
    }
  }

  static Stream<Arguments> randomShortCases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (boolean flags : new boolean[] {true, false}) {
      for (int alphabet : new int[] {2, 3}) {
        for (int len = 2; len <= 50; len++) {
          b.add(Arguments.of(len, alphabet, flags));
        }
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "length {0}, alphabet {1}, flag naming {2}")
  @MethodSource("randomShortCases")
  void randomShortStrings(int length, int alphabet, boolean flagNaming) {
    for (long seed = 0; seed < 200; seed++) {
      assertSortsLikeNaive(random(length, alphabet, seed * 31 + length), flagNaming);
    }
  }

  static Stream<Arguments> randomLongCases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (boolean flags : new boolean[] {true, false}) {
      for (int n : new int[] {1000, 10_000, 100_000}) {
        for (int alphabet : new int[] {2, 4, 256}) {
          b.add(Arguments.of(n, alphabet, 1234L + n + alphabet, flags));
        }
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "n={0}, alphabet {1}, seed {2}, flag naming {3}")
  @MethodSource("randomLongCases")
  void randomBytes(int n, int alphabet, long seed, boolean flagNaming) {
    assertSortsLikeNaive(random(n, alphabet, seed), flagNaming);
  }

  static Stream<Arguments> denseLmsCases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (boolean flags : new boolean[] {true, false}) {
      for (int n : new int[] {65, 115, 1001, 100_001}) {
        for (int alphabet : new int[] {2, 5}) {
          b.add(Arguments.of(n, alphabet, flags));
        }
      }
    }
    return b.build();
  }

  /**
   * Every odd position holds the smallest byte, so almost half of all positions are LMS and the
   * reduced string leaves almost no free space in the suffix array: the recursion has to
   * allocate its bucket bitmap and bucket array.
   */
  @ParameterizedTest(name = "n={0}, alphabet {1}, flag naming {2}")
  @MethodSource("denseLmsCases")
  void lmsAtEveryOtherPosition(int n, int alphabet, boolean flagNaming) {
    Random r = new Random(n * 7L + alphabet);
    byte[] text = new byte[n];
    for (int i = 0; i < n; i += 2) {
      text[i] = (byte) (10 + r.nextInt(alphabet));
    }
    assertSortsLikeNaive(text, flagNaming);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4, 5, 17, 100, 10_000})
  void allZeros(int n) {
    int[] expected = IntStream.range(0, n).map(i -> n - 1 - i).toArray();
    assertArrayEquals(expected, sorted(new byte[n], true));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 100, 10_000})
  void allOnes(int n) {
    byte[] text = new byte[n];
    Arrays.fill(text, (byte) 0xFF);
    int[] expected = IntStream.range(0, n).map(i -> n - 1 - i).toArray();
    assertArrayEquals(expected, sorted(text, true));
  }

  static Stream<Arguments> periodicCases() {
    Stream.Builder<Arguments> b = Stream.builder();
    byte[][] patterns = {
        {5},
        {'a', 'b'},
        {'b', 'a'},
        {1, 2, 3},
        {3, 2, 1},
        {(byte) 0x90, 0x10, (byte) 0x90},
        {'a', 'b', 'r', 'a', 'c', 'a', 'd'},
        {0, 0, 0, 0, 0, 0, 1},
        {(byte) 0xFF, (byte) 0x80, 0x7F, 0, (byte) 0xFF, (byte) 0x80, 1}};
    for (boolean flags : new boolean[] {true, false}) {
      for (byte[] pattern : patterns) {
        for (int n : new int[] {2, 3, 7, 8, 50, 1001, 30_000}) {
          b.add(Arguments.of(pattern, n, flags));
        }
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "pattern {0}, n={1}, flag naming {2}")
  @MethodSource("periodicCases")
  void periodicTexts(byte[] pattern, int n, boolean flagNaming) {
    assertSortsLikeNaive(periodic(n, pattern), flagNaming);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 13, 144, 10_946, 100_000})
  void fibonacciWords(int n) {
    byte[] text = fibonacciWord(n, (byte) 'a', (byte) 'b');
    assertSortsLikeNaive(text, true);
    assertSortsLikeNaive(text, false);
  }

  @Test
  void fibonacciWordGeneratorIsRight() {
    assertEquals("abaababaabaababaababa", new String(fibonacciWord(21, (byte) 'a', (byte) 'b')));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void bytesAboveSignedRangeSortAfterLowBytes(boolean flagNaming) {
    // Signed comparison would put 0x80..0xFF first.
    byte[] text = {(byte) 0x80, 0x7F, (byte) 0xFF, 0x00, (byte) 0x80, (byte) 0x80, 0x01,
        (byte) 0xFE, 0x7F, (byte) 0x81};
    assertSortsLikeNaive(text, flagNaming);
    assertSortsLikeNaive(random(20_000, 256, 99), flagNaming);
  }

  @Test
  void highBytesOnly() {
    Random r = new Random(5);
    byte[] text = new byte[50_000];
    for (int i = 0; i < text.length; i++) {
      text[i] = (byte) (0x80 + r.nextInt(3) * 0x3F); // 0x80, 0xBF, 0xFE
    }
    assertSortsLikeNaive(text, true);
  }

  @Test
  void runsOfRepeatsAndNoise() {
    // Long equal LMS substrings and deep recursion: copies of a random block with mutations.
    Random r = new Random(11);
    byte[] block = random(997, 4, 3);
    byte[] text = new byte[60_000];
    for (int i = 0; i < text.length; i++) {
      text[i] = r.nextInt(500) == 0 ? (byte) r.nextInt(4) : block[i % block.length];
    }
    assertSortsLikeNaive(text, true);
    assertSortsLikeNaive(text, false);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void realExecutablePrefix(boolean flagNaming) throws IOException {
    Path bash = Path.of("/usr/bin/bash");
    assumeTrue(Files.isReadable(bash), "needs /usr/bin/bash");
    byte[] text;
    try (InputStream in = Files.newInputStream(bash)) {
      text = in.readNBytes(300 * 1024);
    }
    assumeTrue(text.length > 100_000, "/usr/bin/bash unexpectedly small");
    assertSortsLikeNaive(text, flagNaming);
  }

  // ---------------------------------------------------------------------------------------
  // Large inputs, checked without a naive sort.
  // ---------------------------------------------------------------------------------------

  private static final int LARGE = 20_000_000;

  /** Asserts that {@code sa} is a permutation of [0, n). */
  private static void assertPermutation(int[] sa, int n) {
    BitSet seen = new BitSet(n);
    int bad = -1;
    for (int i = 0; i < n && bad < 0; i++) {
      int p = sa[i];
      if (p < 0 || p >= n || seen.get(p)) {
        bad = i;
      } else {
        seen.set(p);
      }
    }
    assertEquals(-1, bad, "not a permutation at index " + bad);
  }

  @Test
  void largeRandomInput() {
    byte[] text = new byte[LARGE];
    new Random(2024).nextBytes(text);
    int[] sa = new int[LARGE];
    SuffixSorter.sort(text, LARGE, sa);

    assertPermutation(sa, LARGE);
    assertAdjacentInOrder(text, sa, LARGE);
  }

  @Test
  void largeAllZeros() {
    int[] sa = new int[LARGE];
    SuffixSorter.sort(new byte[LARGE], LARGE, sa);
    int[] expected = IntStream.range(0, LARGE).map(i -> LARGE - 1 - i).toArray();
    assertArrayEquals(expected, sa);
  }

  @Test
  void largePeriodThree() {
    // Comparing neighbours fully would be quadratic here (each suffix is a prefix of the one
    // three positions earlier), so check the known answer instead: the suffixes starting with
    // the smallest pattern byte come first, and within one phase a shorter suffix is a prefix
    // of a longer one, so positions appear in decreasing order.
    byte[] pattern = {(byte) 0xC3, 0x11, (byte) 0x80}; // phases sorted: 1 (0x11), 2, 0
    byte[] text = periodic(LARGE, pattern);
    int[] sa = new int[LARGE];
    SuffixSorter.sort(text, LARGE, sa);

    int[] expected = new int[LARGE];
    int w = 0;
    for (int phase : new int[] {1, 2, 0}) {
      int last = LARGE - 1 - Math.floorMod(LARGE - 1 - phase, 3);
      for (int p = last; p >= 0; p -= 3) {
        expected[w++] = p;
      }
    }
    assertEquals(LARGE, w);
    assertArrayEquals(expected, sa);
    assertPermutation(sa, LARGE);
  }

  /** Asserts that consecutive suffixes are strictly increasing, comparing them in full. */
  private static void assertAdjacentInOrder(byte[] text, int[] sa, int n) {
    int firstDisorder = -1;
    for (int i = 1; i < n && firstDisorder < 0; i++) {
      if (Arrays.compareUnsigned(text, sa[i - 1], n, text, sa[i], n) >= 0) {
        firstDisorder = i;
      }
    }
    assertEquals(-1, firstDisorder, "suffixes out of order at index " + firstDisorder);
  }

  @Test
  void largeMutatedRepeats() {
    // Copies of a random block with sparse mutations: many equal LMS substrings, so the
    // recursion goes several levels deep; common prefixes stay short enough to compare fully.
    int n = 5_000_000;
    byte[] text = new byte[n];
    Random r = new Random(77);
    byte[] block = random(65_537, 256, 1);
    for (int i = 0; i < n; i++) {
      text[i] = r.nextInt(1000) == 0 ? (byte) r.nextInt(256) : block[i % block.length];
    }
    int[] sa = new int[n];
    SuffixSorter.sort(text, n, sa);
    assertPermutation(sa, n);
    assertAdjacentInOrder(text, sa, n);
  }
}
