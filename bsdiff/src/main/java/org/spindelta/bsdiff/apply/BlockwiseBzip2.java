package org.spindelta.bsdiff.apply;

import static org.spindelta.bsdiff.format.Bzip2Framing.BLOCK_MAGIC;
import static org.spindelta.bsdiff.format.Bzip2Framing.CRC_BITS;
import static org.spindelta.bsdiff.format.Bzip2Framing.END_MAGIC;
import static org.spindelta.bsdiff.format.Bzip2Framing.HEADER_BITS;
import static org.spindelta.bsdiff.format.Bzip2Framing.MAGIC_BITS;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * One bzip2 stream decoded block by block, so that a block whose output was all zeros is not decoded
 * again when the same coded bits come back. A BSDIFF40 diff block is mostly zeros (NEW bytes equal to
 * OLD): the 4.4 GB series pair's decodes to 984 blocks of 4 MiB, 876 of them the same zero block, and
 * decoding them was 94% of bspatch's CPU, on one thread.
 *
 * <p>bzip2 starts each block with a 48-bit magic at any bit offset and records nowhere where the blocks
 * are (bzip2 1.0.8 {@code compress.c}, {@code BZ2_compressBlock}; lbzip2 splits streams the same way).
 * The stream is scanned bit by bit for the block and end-of-stream magics; each block's bits are wrapped
 * as a single-block stream of their own ("BZh" and the level, the block, the end magic, the block CRC as
 * the stream CRC) and decoded by commons-compress, which checks the block CRC. The block CRCs are folded
 * into the stream CRC and compared with the stored one at the end.
 *
 * <p>The magic can also occur by chance inside a block's coded bits (once in about 2^48 bit positions).
 * Every failure here, a chance magic or real damage alike, is therefore a {@link Fallback}: the caller
 * decodes the stream again from its start, sequentially, which gives real damage its usual message.
 */
final class BlockwiseBzip2 extends InputStream {
    private static final long MAGIC_MASK = (1L << MAGIC_BITS) - 1;
    /**
     * Coded bytes of one block at most: a level-9 block holds 900,000 symbols of at most 20 bits plus
     * its tables (about 2.3 MB); anything longer is not a block this decoder takes on.
     */
    static final int MAX_BLOCK_BYTES = 3 << 20;

    /** Any failure of the blockwise decoding: decode the stream sequentially instead. */
    static final class Fallback extends IOException {
        Fallback(String why) {
            super(why);
        }
    }

    private final InputStream in;
    private int level;

    // scanning: the last 64 bits, the next bit to scan, and the coded bytes from the open block's first byte
    private long window;
    private long scanBit = HEADER_BITS;
    private byte[] raw = new byte[1 << 16];
    private int rawFill;
    /** Absolute bit index of raw[0]'s first bit; a multiple of 8. */
    private long rawStartBit = HEADER_BITS;
    /** Absolute bit index of the open block's magic, or -1 before the first block. */
    private long blockStartBit = -1;
    private boolean streamEnded;
    private int combinedCrc;
    private int storedCrc;

    // the block being read: its decoder, or zeros to hand out
    private InputStream current;
    private long zerosLeft;
    private byte[] currentBits;
    private long currentBitLength;
    private boolean currentAllZero;
    private long currentLength;
    // the last block that decoded to zeros only: its coded bits and its output length
    private byte[] zeroBits;
    private long zeroBitLength;
    private long zeroLength;

    private int decodedBlocks;
    private int reusedBlocks;

    BlockwiseBzip2(InputStream compressed) {
        this.in = compressed;
    }

    /** Blocks handed to the decoder so far. */
    int decodedBlocks() {
        return decodedBlocks;
    }

    /** Blocks answered as the zeros of an earlier block with the same coded bits. */
    int reusedBlocks() {
        return reusedBlocks;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return readBlocks(b, off, len);
        } catch (RuntimeException e) {
            throw new Fallback("blockwise decoding failed: " + e); // never a dead read-ahead thread
        }
    }

    private int readBlocks(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (zerosLeft > 0) {
                int n = (int) Math.min(len, zerosLeft);
                Arrays.fill(b, off, off + n, (byte) 0);
                zerosLeft -= n;
                return n;
            }
            if (current != null) {
                int n;
                try {
                    n = current.read(b, off, len);
                } catch (IOException | RuntimeException e) {
                    throw new Fallback("block does not decode: " + e.getMessage());
                }
                if (n > 0) {
                    currentAllZero = currentAllZero && isZero(b, off, n);
                    currentLength += n;
                    return n;
                }
                current = null;
                if (currentAllZero && currentLength > 0) {
                    zeroBits = currentBits;
                    zeroBitLength = currentBitLength;
                    zeroLength = currentLength;
                }
                currentBits = null;
            }
            if (!nextBlock()) {
                if (combinedCrc != storedCrc) {
                    throw new Fallback("stream CRC mismatch");
                }
                return -1;
            }
        }
    }

    private static boolean isZero(byte[] b, int off, int n) {
        for (int i = off; i < off + n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Scans to the end of the next block and makes it current; false at the end of the stream. */
    private boolean nextBlock() throws IOException {
        if (level == 0) {
            readHeader();
        }
        while (!streamEnded) {
            window = (window << 1) | nextBit();
            if (scanBit - HEADER_BITS < MAGIC_BITS) {
                continue;
            }
            long tail = window & MAGIC_MASK;
            if (tail != BLOCK_MAGIC && tail != END_MAGIC) {
                continue;
            }
            long magicStart = scanBit - MAGIC_BITS;
            boolean started = false;
            if (blockStartBit >= 0) {
                startBlock(blockStartBit, magicStart);
                started = true;
            } else if (magicStart != HEADER_BITS) {
                throw new Fallback("no block right after the stream header");
            }
            if (tail == END_MAGIC) {
                long crc = 0;
                for (int i = 0; i < CRC_BITS; i++) {
                    crc = (crc << 1) | nextBit();
                }
                storedCrc = (int) crc;
                streamEnded = true;
                return started;
            }
            blockStartBit = magicStart;
            if (started) {
                return true;
            }
        }
        return false;
    }

    /** The bit at scanBit, reading a coded byte when needed; advances scanBit. */
    private int nextBit() throws IOException {
        long rel = scanBit - rawStartBit;
        if (rel == 8L * rawFill) {
            int c = in.read();
            if (c < 0) {
                throw new Fallback("stream ends inside a block");
            }
            if (rawFill == raw.length) {
                if (raw.length >= MAX_BLOCK_BYTES) {
                    throw new Fallback("a block of more than " + MAX_BLOCK_BYTES + " coded bytes");
                }
                raw = Arrays.copyOf(raw, Math.min(raw.length * 2, MAX_BLOCK_BYTES));
            }
            raw[rawFill++] = (byte) c;
        }
        scanBit++;
        return (raw[(int) (rel >>> 3)] >>> (7 - (int) (rel & 7))) & 1;
    }

    private void readHeader() throws IOException {
        byte[] h = in.readNBytes(4);
        if (h.length < 4 || h[0] != 'B' || h[1] != 'Z' || h[2] != 'h' || h[3] < '1' || h[3] > '9') {
            throw new Fallback("no bzip2 stream header");
        }
        level = h[3] - '0';
    }

    /** Block bits [from, to) become current: zeros if they are the last zero block's bits, else a decoder. */
    private void startBlock(long from, long to) throws Fallback {
        long bitLength = to - from;
        byte[] bits = new byte[(int) ((bitLength + 7) >>> 3)];
        copyBits(raw, from - rawStartBit, bits, bitLength);
        int blockCrc = (int) bitsAt(bits, MAGIC_BITS, CRC_BITS);
        combinedCrc = Integer.rotateLeft(combinedCrc, 1) ^ blockCrc;
        // keep the coded bytes from the one holding the next magic's first bit
        int keep = (int) ((to - rawStartBit) >>> 3);
        System.arraycopy(raw, keep, raw, 0, rawFill - keep);
        rawFill -= keep;
        rawStartBit += 8L * keep;
        if (zeroBits != null && bitLength == zeroBitLength && Arrays.equals(bits, zeroBits)) {
            zerosLeft = zeroLength;
            reusedBlocks++;
            return;
        }
        decodedBlocks++;
        current = decoder(bits, bitLength, blockCrc);
        currentBits = bits;
        currentBitLength = bitLength;
        currentAllZero = true;
        currentLength = 0;
    }

    /** A decoder of the block's bits wrapped as a single-block stream (it reads the block header when made). */
    private InputStream decoder(byte[] bits, long bitLength, int blockCrc) throws Fallback {
        long total = HEADER_BITS + bitLength + MAGIC_BITS + CRC_BITS;
        byte[] stream = new byte[(int) ((total + 7) >>> 3)];
        stream[0] = 'B';
        stream[1] = 'Z';
        stream[2] = 'h';
        stream[3] = (byte) ('0' + level);
        System.arraycopy(bits, 0, stream, HEADER_BITS / 8, bits.length); // the header is whole bytes
        long at = HEADER_BITS + bitLength;
        for (int i = MAGIC_BITS - 1; i >= 0; i--, at++) {
            setBit(stream, at, (int) (END_MAGIC >>> i) & 1);
        }
        for (int i = CRC_BITS - 1; i >= 0; i--, at++) {
            setBit(stream, at, (blockCrc >>> i) & 1);
        }
        try {
            return new BZip2CompressorInputStream(new ByteArrayInputStream(stream), false);
        } catch (IOException e) {
            throw new Fallback("block does not decode: " + e.getMessage());
        }
    }

    private static void setBit(byte[] b, long at, int bit) {
        b[(int) (at >>> 3)] |= (byte) (bit << (7 - (int) (at & 7)));
    }

    /** Copies {@code n} bits of {@code src} from bit {@code from} to the start of {@code dst}. */
    private static void copyBits(byte[] src, long from, byte[] dst, long n) {
        int shift = (int) (from & 7);
        int s = (int) (from >>> 3);
        int bytes = (int) ((n + 7) >>> 3);
        for (int i = 0; i < bytes; i++) {
            int hi = (src[s + i] << shift) & 0xFF;
            int lo = shift == 0 || s + i + 1 >= src.length ? 0 : (src[s + i + 1] & 0xFF) >>> (8 - shift);
            dst[i] = (byte) (hi | lo);
        }
        int spare = (int) (8L * bytes - n);
        if (spare > 0) {
            dst[bytes - 1] &= (byte) (0xFF << spare); // bits past the block are not part of it
        }
    }

    private static long bitsAt(byte[] b, long at, int n) {
        long v = 0;
        for (int i = 0; i < n; i++, at++) {
            v = (v << 1) | ((b[(int) (at >>> 3)] >>> (7 - (int) (at & 7))) & 1);
        }
        return v;
    }
}
