package org.spindelta.squashfs;

import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.format.Compressor;
import org.spindelta.squashfs.format.CompressorOptions;

/** The {@link BlockDecompressorTest} contract on the pure-Java decoders, the fallback where no system library loads. */
class JavaBlockDecompressorTest extends BlockDecompressorTest {
    @Override
    BlockDecompressor decompressor(Compressor c) {
        return BlockDecompressor.javaForCompressor(c, CompressorOptions.defaults(c, BLOCK));
    }
}
