package org.spindelta.squashfs.read;


import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.Objects;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.format.Inode;

/**
 * Reads the contents of regular files (reference doc §1 "Data blocks"): the full blocks stored one
 * after another from blocks_start, each compressed, stored raw (bit 24) or sparse (size 0, all
 * zeros), then the tail ({@code size % block_size}) either as a last short block or, with a fragment,
 * at frag_off in a fragment block. Every block must decode to exactly its expected length, lie inside
 * the data area (checked arithmetic) and take at most block_size bytes on disk; a fragment tail must
 * fit inside its fragment's decoded bytes (§6 items 3, 5, 7).
 *
 * <p>Not thread-safe: it owns a decompressor and caches the last decoded data block and the last
 * {@value #FRAGMENT_CACHE} fragment blocks. Open one per thread; {@link #close()} releases the
 * decompressor, the image stays open.
 */
public final class FileReader implements AutoCloseable {
    private final SquashfsImage image;
    private final int blockSize;
    private final BlockDecompressor decompressor;
    private final byte[] stored;
    private FragmentTable fragments;

    // last decoded data block
    private Inode.File blockFile;
    private long blockIndex = -1;
    private final byte[] block;
    private int blockLength;

    /**
     * Fragment blocks kept, least recently used replaced first. Files sharing a fragment block are mostly
     * consecutive in directory order, but not all: in a Debian root image's walk, 262 tails come back to
     * the fragment block used just before the last one and 60 more within four, which a one-block cache
     * decodes again. Four blocks catch nearly all of them for 4 × block_size bytes.
     */
    public static final int FRAGMENT_CACHE = 4;

    // the cached fragment blocks: index (-1: empty), decoded bytes and length, last use
    private final long[] fragmentIndexes = new long[FRAGMENT_CACHE];
    private final byte[][] fragmentBlocks = new byte[FRAGMENT_CACHE][];
    private final int[] fragmentLengths = new int[FRAGMENT_CACHE];
    private final long[] fragmentUses = new long[FRAGMENT_CACHE];
    private long fragmentClock;
    // the fragment block of the current tail: one of the cached blocks
    private byte[] fragment;
    private int fragmentLength;

    // where the blocks of the last file lie
    private FileLayout layout;

    private FileReader(SquashfsImage image) {
        this.image = image;
        this.blockSize = image.superBlock().blockSize();
        this.decompressor = image.newDecompressor();
        this.stored = new byte[blockSize];
        this.block = new byte[blockSize];
        Arrays.fill(fragmentIndexes, -1);
    }

    /** A reader of {@code image}'s files; the fragment table is read when a fragment is first needed. */
    public static FileReader open(SquashfsImage image) {
        return new FileReader(image);
    }

    public SquashfsImage image() {
        return image;
    }

    /** A stream of the file's bytes; it reads one block at a time through this reader. */
    public InputStream open(Inode.File file) {
        return open(file, null);
    }

    /**
     * As {@link #open(Inode.File)}, naming the file {@code path} in error messages.
     */
    public InputStream open(Inode.File file, String path) {
        Objects.requireNonNull(file);
        return new InputStream() {
            private long pos;
            private long mark;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                int n = FileReader.this.read(file, path, pos, b, off, len);
                if (n > 0) {
                    pos += n;
                }
                return n;
            }

            @Override
            public long skip(long n) {
                long k = Math.max(0, Math.min(n, file.size() - pos));
                pos += k;
                return k;
            }


            @Override
            public boolean markSupported() {
                return true;
            }

            @Override
            public synchronized void mark(int readlimit) {
                mark = pos;
            }

            @Override
            public synchronized void reset() {
                pos = mark;
            }
        };
    }

    /** Writes the whole file to {@code out}; returns the bytes written (the file size). */
    public long readFully(Inode.File file, String path, OutputStream out) throws IOException {
        long pos = 0;
        byte[] buf = new byte[blockSize];
        int n;
        while ((n = read(file, path, pos, buf, 0, buf.length)) > 0) {
            out.write(buf, 0, n);
            pos += n;
        }
        return pos;
    }

    public long readFully(Inode.File file, OutputStream out) throws IOException {
        return readFully(file, null, out);
    }

    /** Writes the whole file to {@code out}; returns the bytes written (the file size). */
    public long readFully(Inode.File file, String path, WritableByteChannel out) throws IOException {
        long pos = 0;
        byte[] buf = new byte[blockSize];
        int n;
        while ((n = read(file, path, pos, buf, 0, buf.length)) > 0) {
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
            while (bb.hasRemaining()) {
                out.write(bb);
            }
            pos += n;
        }
        return pos;
    }

    public long readFully(Inode.File file, WritableByteChannel out) throws IOException {
        return readFully(file, null, out);
    }

    public int read(Inode.File file, long position, byte[] dst, int off, int len) throws IOException {
        return read(file, null, position, dst, off, len);
    }

    /**
     * Reads up to {@code len} bytes of the file from {@code position}, decoding only the blocks they lie in.
     *
     * @return bytes read, -1 at or after the end of the file (0 only when {@code len} is 0)
     * @throws CorruptInputException naming the file, the block and its byte offset when a block is out of
     *     range, does not decode or decodes to other than its expected length
     */
    public int read(Inode.File file, String path, long position, byte[] dst, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, dst.length);
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        long size = file.size();
        if (size < 0) {
            throw new CorruptInputException(name(file, path) + ": size " + Long.toUnsignedString(size) + " too large");
        }
        if (len == 0) {
            return 0;
        }
        if (position >= size) {
            return -1;
        }
        int done = 0;
        while (done < len && position < size) {
            long index = position / blockSize;
            int within = (int) (position % blockSize);
            int n;
            if (index < file.blockSizes().length) {
                decodeBlock(file, path, index);
                n = Math.min(len - done, blockLength - within);
                if (n <= 0) {
                    throw new CorruptInputException(name(file, path) + ": block " + index + " ends before byte "
                            + position);
                }
                System.arraycopy(block, within, dst, off + done, n);
            } else {
                layout(file, path);
                // the tail lives in a fragment
                if (!file.hasFragment() || index != file.blockSizes().length) {
                    throw new CorruptInputException(name(file, path) + ": byte " + position + " of "
                            + size + " lies past its " + file.blockSizes().length + " blocks"
                            + (file.hasFragment() ? " and fragment tail" : " and it has no fragment"));
                }
                int tail = (int) (size % blockSize);
                decodeFragment(file, path, tail);
                n = Math.min(len - done, tail - within);
                System.arraycopy(fragment, (int) file.fragmentOffset() + within, dst, off + done, n);
            }
            done += n;
            position += n;
        }
        return done;
    }

    private FileLayout layout(Inode.File file, String path) throws CorruptInputException {
        if (layout == null || layout.file() != file) {
            layout = FileLayout.of(image, file, path);
        }
        return layout;
    }

    private void decodeBlock(Inode.File file, String path, long index) throws IOException {
        if (blockFile == file && blockIndex == index) {
            return;
        }
        blockFile = null;
        blockIndex = -1;
        FileLayout l = layout(file, path);
        int i = (int) index;
        int onDisk = l.storedSize(i);
        int expected = l.decodedSize(i);
        long at = l.position(i);
        if (onDisk == 0) {
            Arrays.fill(block, 0, expected, (byte) 0);
        } else if (!l.compressed(i)) {
            // FileLayout checked that a raw block holds exactly its decoded bytes
            image.source().read(at, block, 0, onDisk, name(file, path) + " block " + i);
        } else {
            image.source().read(at, stored, 0, onDisk, name(file, path) + " block " + i);
            int n;
            try {
                n = decompressor.decompress(stored, 0, onDisk, block, 0, blockSize);
            } catch (CorruptInputException e) {
                throw new CorruptInputException(name(file, path) + ": block " + i + " at byte " + at + " ("
                        + onDisk + " bytes): " + e.getMessage(), e);
            }
            if (n != expected) {
                throw new CorruptInputException(name(file, path) + ": block " + i + " at byte " + at + " ("
                        + onDisk + " bytes) decodes to " + n + " bytes, expected " + expected);
            }
        }
        blockLength = expected;
        blockFile = file;
        blockIndex = index;
    }

    private void decodeFragment(Inode.File file, String path, int tail) throws IOException {
        long fi = file.fragmentIndex();
        int slot = 0;
        for (int k = 0; k < FRAGMENT_CACHE; k++) {
            if (fragmentIndexes[k] == fi) {
                slot = k;
                break;
            }
            if (fragmentUses[k] < fragmentUses[slot]) {
                slot = k;
            }
        }
        if (fragmentIndexes[slot] != fi) {
            if (fragments == null) {
                fragments = FragmentTable.read(image);
            }
            if (fragmentBlocks[slot] == null) {
                fragmentBlocks[slot] = new byte[blockSize];
            }
            fragmentIndexes[slot] = -1;
            try {
                fragmentLengths[slot] = fragments.readBlock(fi, fragmentBlocks[slot]);
            } catch (CorruptInputException e) {
                throw new CorruptInputException(name(file, path) + ": tail in fragment " + fi + ": " + e.getMessage(),
                        e);
            }
            fragmentIndexes[slot] = fi;
        }
        fragmentUses[slot] = ++fragmentClock;
        fragment = fragmentBlocks[slot];
        fragmentLength = fragmentLengths[slot];
        long fo = file.fragmentOffset();
        if (fo < 0 || fo > fragmentLength || tail > fragmentLength - fo) {
            throw new CorruptInputException(name(file, path) + ": tail of " + tail + " bytes at offset "
                    + Long.toUnsignedString(fo) + " of fragment " + fi + " runs past its " + fragmentLength
                    + " decoded bytes");
        }
    }

    private static String name(Inode.File file, String path) {
        return FileLayout.name(file, path);
    }

    @Override
    public void close() {
        decompressor.close();
        if (fragments != null) {
            fragments.close();
        }
    }
}
