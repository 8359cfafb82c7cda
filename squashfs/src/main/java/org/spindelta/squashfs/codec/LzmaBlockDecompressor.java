package org.spindelta.squashfs.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.LittleEndian;
import org.spindelta.squashfs.format.Compressor;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.LZMAInputStream;

/**
 * lzma (id 2) blocks: legacy .lzma ("LZMA alone") streams with the 13-byte header: u8 properties
 * (lc/lp/pb), u32 dictionary size, u64 uncompressed size.
 *
 * <p>mksquashfs's lzma wrapper (lzma_xz_wrapper.c, as Debian builds it) encodes with liblzma's
 * {@code lzma_alone_encoder}, which writes "size unknown" and an end-of-payload marker, then
 * overwrites the size field with the real size (low 4 bytes; the high 4 are zero). The older LZMA SDK
 * wrapper (lzma_wrapper.c) writes the real size and no marker. unsquashfs decodes both by reading the
 * size, checking it against the output room, and decoding as if the size were unknown. Here the
 * stated size is decoded with a relaxed end condition (marker optional) and must be produced exactly;
 * a header of all-ones (size unknown) decodes to the end marker, at most {@code maxOut} bytes.
 *
 * <p>The dictionary is capped at {@code maxOut}: no valid match reaches further back than the output
 * produced, and a header claiming a 4 GiB dictionary must not make us allocate one. Stateless,
 * but treat it as not thread-safe like the other decompressors.
 */
public final class LzmaBlockDecompressor implements BlockDecompressor {
    /** props (1) + dictionary size (4) + uncompressed size (8). */
    static final int HEADER_SIZE = 13;
    /** LZMA's smallest dictionary; xz-java rounds smaller ones up to it anyway. */
    private static final int MIN_DICTIONARY = 4096;

    /**
     * No reuse: xz-java before 1.12 leaves the "previous byte" of a recycled LZMAInputStream dictionary
     * uninitialised, so the first literal decodes with the wrong context and the stream reads as corrupt
     * (tukaani-project/xz-java issue 23, fixed in 1.12 by commit 12c75fd). The project pins 1.10, so each
     * block allocates its dictionary, at most {@code maxOut} bytes.
     */
    private final ArrayCache cache = ArrayCache.getDummyCache();

    /**
     * The checked 13-byte header, shared with {@link NativeLzmaBlockDecompressor}.
     *
     * @param dictionary the stated dictionary size capped at {@code max(maxOut, 4096)}
     * @param size the stated uncompressed size, at most maxOut, when {@code known}
     */
    record Header(byte props, int dictionary, long size, boolean known) {
        static Header check(byte[] src, int srcOff, int srcLen, int maxOut) throws CorruptInputException {
            if (srcLen < HEADER_SIZE) {
                throw CodecErrors.corrupt(Compressor.LZMA, srcLen, "shorter than the " + HEADER_SIZE
                        + "-byte .lzma header", null);
            }
            long dictionary = LittleEndian.getInt(src, srcOff + 1) & 0xFFFF_FFFFL;
            long size = LittleEndian.getLong(src, srcOff + 5);
            boolean known = size != -1;
            if (known && (size < 0 || size > maxOut)) {
                throw CodecErrors.corrupt(Compressor.LZMA, srcLen, "the header claims " + Long.toUnsignedString(size)
                        + " uncompressed bytes, more than the " + maxOut + " the block may hold", null);
            }
            int dict = (int) Math.min(dictionary, Math.max(maxOut, MIN_DICTIONARY));
            return new Header(src[srcOff], dict, size, known);
        }
    }

    @Override
    public Compressor compressor() {
        return Compressor.LZMA;
    }

    @Override
    public int decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int maxOut)
            throws CorruptInputException {
        CodecErrors.checkRanges(src, srcOff, srcLen, dst, dstOff, maxOut);
        Header h = Header.check(src, srcOff, srcLen, maxOut);
        boolean known = h.known();
        long size = h.size();
        ByteArrayInputStream in = new ByteArrayInputStream(src, srcOff + HEADER_SIZE, srcLen - HEADER_SIZE);
        int n;
        try (LZMAInputStream lzma = new LZMAInputStream(in, known ? size : -1, h.props(), h.dictionary(), null, cache)) {
            if (known) {
                lzma.enableRelaxedEndCondition();
            }
            n = XzBlockDecompressor.readAtMost(lzma, dst, dstOff, maxOut);
            if (known && n != size) {
                throw CodecErrors.truncated(Compressor.LZMA, srcLen, n);
            }
            if (!known && n == maxOut && lzma.read() != -1) {
                throw CodecErrors.tooLarge(Compressor.LZMA, srcLen, maxOut);
            }
        } catch (CorruptInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw CodecErrors.corrupt(Compressor.LZMA, srcLen, "invalid lzma stream", e);
        }
        return n;
    }
}
