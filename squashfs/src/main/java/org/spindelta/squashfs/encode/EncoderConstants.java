package org.spindelta.squashfs.encode;

import java.util.List;

/**
 * The parameters mksquashfs 4.5.1's compressor wrappers pass to the libraries, named once. Sources:
 * squashfs-tools 4.5.1 {@code squashfs-tools/*_wrapper.c}; measured to reproduce real images in the
 * reference doc recompression.md ("Exact parameters").
 */
final class EncoderConstants {
    private EncoderConstants() {}

    /** xz_wrapper.c: {@code lzma_lzma_preset(&stream->opt, LZMA_PRESET_DEFAULT)}, preset 6, for every candidate. */
    static final int XZ_PRESET = 6;

    /**
     * xz_wrapper.c: the BCJ filters in the order {@code bcj[]} lists them, which is also the bit order of
     * the options' filter mask (x86 = bit 0 ... sparc = bit 5; arm64 and riscv were added by 4.6).
     * Liblzma filter ids, index = bit.
     */
    static final List<Long> XZ_BCJ_FILTER_IDS = List.of(Liblzma.LZMA_FILTER_X86, Liblzma.LZMA_FILTER_POWERPC,
            Liblzma.LZMA_FILTER_IA64, Liblzma.LZMA_FILTER_ARM, Liblzma.LZMA_FILTER_ARMTHUMB, Liblzma.LZMA_FILTER_SPARC,
            Liblzma.LZMA_FILTER_ARM64, Liblzma.LZMA_FILTER_RISCV);

    /** lzma_xz_wrapper.c: {@code #define LZMA_OPTIONS 5}, the preset of the legacy lzma compressor. */
    static final int LZMA_PRESET = 5;
    /** lzma_xz_wrapper.c: {@code LZMA_PROPS_SIZE}: the properties byte and the u32 dictionary size. */
    static final int LZMA_PROPS_SIZE = 5;
    /** lzma_xz_wrapper.c: {@code LZMA_UNCOMP_SIZE}: the u64 uncompressed size field after the properties. */
    static final int LZMA_UNCOMP_SIZE = 8;
    /** The .lzma header mksquashfs rewrites: properties (5) + uncompressed size (8) = 13 bytes. */
    static final int LZMA_HEADER_SIZE = LZMA_PROPS_SIZE + LZMA_UNCOMP_SIZE;

    /** lz4_wrapper.c: {@code LZ4_compress_HC(src, dest, size, max, LZ4HC_CLEVEL_MAX)}, level 12. */
    static final int LZ4_HC_LEVEL = 12;

    /**
     * lzo_wrapper.h {@code LZO_MAX_EXPANSION(size)}: the scratch buffer mksquashfs compresses lzo into,
     * since liblzo2 takes no output capacity: size + size / 16 + 64 + 3.
     */
    static int lzoMaxExpansion(int size) {
        return size + size / 16 + 64 + 3;
    }

    /**
     * lzo1x.h work memory of each algorithm, index = the options' algorithm number (lzo_wrapper.c
     * {@code lzo[]}); the dictionary entries are pointers (8 bytes on the 64-bit JVMs the bindings
     * support): lzo1x_1 16384, lzo1x_1_11 2048, lzo1x_1_12 4096, lzo1x_1_15 32768 entries; lzo1x_999
     * 14 * 16384 shorts.
     */
    static final List<Integer> LZO_WORK_MEMORY = List.of(16384 * 8, 2048 * 8, 4096 * 8, 32768 * 8, 14 * 16384 * 2);
}
