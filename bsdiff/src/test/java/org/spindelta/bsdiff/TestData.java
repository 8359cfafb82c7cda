package org.spindelta.bsdiff;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Deterministic inputs: random, edited copies (bsdiff's home ground), and pathological repetition. */
public final class TestData {
    private TestData() {}

    public static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    /** Text-like bytes: a small alphabet with repeats, so approximate matches matter. */
    public static byte[] textLike(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] words = {"squashfs ", "block ", "fragment ", "inode ", "the ", "of ", "0x7f", "\n", "table ", "id "};
        ByteArrayOutputStream out = new ByteArrayOutputStream(n + 16);
        while (out.size() < n) {
            out.writeBytes(words[r.nextInt(words.length)].getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return Arrays.copyOf(out.toByteArray(), n);
    }

    /**
     * A new version of {@code old}: point edits (like relocated addresses), insertions of fresh bytes,
     * deletions and a moved block.
     */
    public static byte[] edited(byte[] old, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(old.length + old.length / 8 + 16);
        int i = 0;
        while (i < old.length) {
            int run = Math.min(old.length - i, 1 + r.nextInt(4096));
            byte[] piece = Arrays.copyOfRange(old, i, i + run);
            if (r.nextInt(3) == 0) {
                for (int k = 0; k < 1 + run / 200; k++) {
                    piece[r.nextInt(piece.length)] += (byte) (1 + r.nextInt(255));
                }
            }
            out.writeBytes(piece);
            i += run;
            switch (r.nextInt(10)) {
                case 0 -> out.writeBytes(random(1 + r.nextInt(2000), r.nextLong()));
                case 1 -> i += r.nextInt(1000);
                default -> { }
            }
        }
        byte[] b = out.toByteArray();
        if (b.length > 10_000) { // move a block from the front to the back
            int len = b.length / 10;
            byte[] moved = Arrays.copyOfRange(b, 100, 100 + len);
            byte[] rest = new byte[b.length - len];
            System.arraycopy(b, 0, rest, 0, 100);
            System.arraycopy(b, 100 + len, rest, 100, b.length - 100 - len);
            ByteArrayOutputStream m = new ByteArrayOutputStream(b.length);
            m.writeBytes(rest);
            m.writeBytes(moved);
            b = m.toByteArray();
        }
        return b;
    }

    public static byte[] periodic(int n, int period) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % period);
        }
        return b;
    }
}
