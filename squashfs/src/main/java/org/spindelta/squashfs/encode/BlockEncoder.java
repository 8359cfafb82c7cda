package org.spindelta.squashfs.encode;

import org.spindelta.core.SpindeltaException;

/**
 * Compresses one SquashFS block exactly as mksquashfs 4.5.1 did for the image it was made for: same
 * library, same calls, same parameters, same "store it raw" decision (reference doc recompression.md,
 * "Exact parameters"). Get one from {@link BlockEncoderFactory#newEncoder()}.
 *
 * <p><b>Uncompressed images:</b> mksquashfs -noI, -noD, -noF, -noX and friends store those blocks raw
 * without trying to compress them (the superblock says so: {@code SuperBlock.inodesUncompressed()},
 * {@code dataUncompressed()}, {@code fragmentsUncompressed()}, {@code xattrsUncompressed()},
 * {@code idsUncompressed()}); this encoder answers what compression would give, so a caller checks
 * those flags before expecting 0 for a raw block.
 *
 * <p><b>Threads:</b> not thread-safe. An instance holds native buffers sized for one block (input,
 * output, work memory, a library context) that every call reuses, so the hot path allocates nothing
 * on the Java heap; create one per thread. {@link #close()} frees the native memory; the instance must
 * not be used afterwards.
 */
public interface BlockEncoder extends AutoCloseable {

    /** The codec, parameters and library version this encoder uses. */
    EncoderIdentity identity();

    /**
     * Compresses {@code in[off, off + len)} as mksquashfs would for a block of {@code role}.
     *
     * <p>mksquashfs's rule ({@code mangle2} in mksquashfs.c): a block is stored compressed only when
     * the compressor produced 1 to {@code len - 1} bytes within the capacity ({@link BlockRole#capacity});
     * when it reported no room, or produced {@code len} bytes or more, the block is stored raw.
     *
     * @param out receives the compressed bytes from index 0; must hold at least {@code len} bytes; its
     *     contents are unspecified when the result is 0
     * @return the compressed length, 1..len-1, exactly as mksquashfs wrote it; or 0 when mksquashfs
     *     would store the block raw
     * @throws IllegalArgumentException if {@code len} is outside 1..capacity of {@code role}, or
     *     {@code out} is shorter than {@code len}
     * @throws IndexOutOfBoundsException if {@code [off, off + len)} does not fit {@code in}
     * @throws SpindeltaException if the library fails in a way mksquashfs treats as fatal (out of
     *     memory, an option the library rejects), naming the call and its return code
     */
    int encode(byte[] in, int off, int len, byte[] out, BlockRole role) throws SpindeltaException;

    /** Frees the native buffers and library state. Never throws; a second call does nothing. */
    @Override
    void close();
}
