package org.spindelta.squashfs.spin;

import java.io.IOException;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.encode.BlockEncoder;
import org.spindelta.squashfs.encode.BlockEncoderFactory;
import org.spindelta.squashfs.encode.BlockRole;
import org.spindelta.squashfs.format.CompressorOptions;

/**
 * Recompressors backed by this machine's codec libraries ({@link BlockEncoderFactory}): an image whose
 * configuration they cannot reproduce (a missing library, gzip options zlib cannot be driven to) has no
 * identity, so its changed blocks are shipped as stored.
 */
public final class SystemRecompressors implements Recompressor.Factory {
    public static final SystemRecompressors INSTANCE = new SystemRecompressors();

    private SystemRecompressors() {}

    @Override
    public String identity(ImageInfo image) {
        try {
            BlockEncoderFactory f = factory(image);
            return f.available() ? f.identity().encode() : "";
        } catch (SpindeltaException e) {
            return "";
        }
    }

    @Override
    public Recompressor open(ImageInfo image) throws IOException {
        BlockEncoder e = factory(image).newEncoder();
        return new Recompressor() {
            @Override
            public int encode(byte[] in, int off, int len, byte[] out, boolean metadata) throws IOException {
                return e.encode(in, off, len, out, metadata ? BlockRole.METADATA : BlockRole.DATA);
            }

            @Override
            public void close() {
                e.close();
            }
        };
    }

    private static BlockEncoderFactory factory(ImageInfo image) throws CorruptInputException {
        byte[] o = image.options();
        CompressorOptions options = o.length == 0 ? CompressorOptions.defaults(image.compressor(), image.blockSize())
                : CompressorOptions.parse(image.compressor(), o, o.length, 0);
        return BlockEncoderFactory.of(options, image.blockSize());
    }
}
