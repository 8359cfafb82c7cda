package org.spindelta.squashfs.codec;

import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.format.Compressor;
import org.spindelta.squashfs.format.CompressorOptions;

/**
 * Decompresses one SquashFS block (a metadata block, data block or fragment block) held entirely in
 * memory. SquashFS stores no uncompressed size for a block; the caller gives the most the block may
 * produce: 8192 for a metadata block, the block size for data and fragment blocks.
 *
 * <p><b>Threads:</b> an instance is not thread-safe. It keeps reusable state (an Inflater, a zstd
 * context, an array cache), so create one per thread and reuse it for many blocks; {@link #close()}
 * releases native memory early (the JVM would also free it once the instance is unreachable).
 *
 * <p><b>Hostile input:</b> output never goes past {@code dst[dstOff + maxOut - 1]}; memory the codec
 * allocates is bounded by {@code maxOut} and the format's own limits (at most about 1.1 MiB for xz,
 * whose dictionary is at most the 1 MiB largest block size), never by a size a stream claims; and every
 * failure of the underlying library, checked or not, surfaces as {@link CorruptInputException}.
 */
public interface BlockDecompressor extends AutoCloseable {

    /** The compressor whose blocks this decodes. */
    Compressor compressor();

    /**
     * Decompresses {@code src[srcOff, srcOff + srcLen)} into {@code dst} from {@code dstOff}.
     *
     * @param maxOut the most bytes the block may produce; {@code dst} must have room for them
     * @return bytes produced, 0..maxOut
     * @throws CorruptInputException naming the compressor if the input is malformed, truncated, fails a
     *     checksum, or would produce more than {@code maxOut} bytes
     * @throws IndexOutOfBoundsException if the ranges do not fit {@code src} or {@code dst} (a caller bug)
     */
    int decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int maxOut)
            throws CorruptInputException;

    /** Releases native resources; the instance must not be used afterwards. Never throws. */
    @Override
    default void close() {}

    /**
     * A new decompressor for {@code compressor}'s blocks: the system library's decoder where one is bound
     * and loads here (gzip through libdeflate, xz and lzma through liblzma, lz4 through liblz4, each with a
     * bounded call that never writes past {@code maxOut}), else the pure-Java (or JDK zlib) one of
     * {@link #javaForCompressor}. Both give the same bytes and keep this interface's contract; the native
     * ones only decode faster.
     *
     * @param options the image's compressor options, or null; only checked to belong to {@code compressor},
     *     since every stream describes how it was compressed
     * @throws IllegalArgumentException if {@code options} belong to another compressor
     */
    static BlockDecompressor forCompressor(Compressor compressor, CompressorOptions options) {
        checkOptions(compressor, options);
        return switch (compressor) {
            case ZLIB -> NativeZlibBlockDecompressor.isAvailable() ? new NativeZlibBlockDecompressor()
                    : new GzipBlockDecompressor();
            case LZMA -> NativeLzmaBlockDecompressor.isAvailable() ? new NativeLzmaBlockDecompressor()
                    : new LzmaBlockDecompressor();
            case XZ -> NativeXzBlockDecompressor.isAvailable() ? new NativeXzBlockDecompressor()
                    : new XzBlockDecompressor();
            case LZ4 -> NativeLz4BlockDecompressor.isAvailable() ? new NativeLz4BlockDecompressor()
                    : new Lz4BlockDecompressor();
            default -> javaForCompressor(compressor, options);
        };
    }

    /**
     * A new decompressor for {@code compressor}'s blocks that loads no system library: pure Java, or the
     * JDK's zlib and zstd-jni's bundled libzstd, as before native decoders were added.
     *
     * @throws IllegalArgumentException if {@code options} belong to another compressor
     */
    static BlockDecompressor javaForCompressor(Compressor compressor, CompressorOptions options) {
        checkOptions(compressor, options);
        return switch (compressor) {
            case ZLIB -> new GzipBlockDecompressor();
            case LZMA -> new LzmaBlockDecompressor();
            case LZO -> new LzoBlockDecompressor();
            case XZ -> new XzBlockDecompressor();
            case LZ4 -> new Lz4BlockDecompressor();
            case ZSTD -> new ZstdBlockDecompressor();
        };
    }

    private static void checkOptions(Compressor compressor, CompressorOptions options) {
        if (options != null && options.compressor() != compressor) {
            throw new IllegalArgumentException(options.compressor() + " options given for " + compressor + " blocks");
        }
    }
}
