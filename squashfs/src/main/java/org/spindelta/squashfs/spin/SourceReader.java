package org.spindelta.squashfs.spin;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.List;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.read.SquashfsImage;

/** Produces one piece of OLD from BASE. */
final class SourceReader {
    private SourceReader() {}

    /**
     * The bytes {@code s} contributes to OLD: BASE bytes as they are, or a base block decoded, which must
     * decode to exactly the length the plan records; in an array of {@code buffers} (made by
     * {@link PieceBuffers#forPipeline}, whose arrays hold a piece or a block with its header).
     */
    static Piece read(FileChannel base, List<SquashfsImage> images, Source s, ThreadCodecs codecs,
            PieceBuffers buffers) throws IOException {
        if (s instanceof Source.BaseBytes b) {
            if (b.length() > PieceBuffers.PIECE) {
                throw new IllegalArgumentException("BASE bytes of " + b.length() + " read whole (split them)");
            }
            byte[] out = buffers.take();
            ChannelInput.readFully(base, b.offset(), out, 0, (int) b.length(), "BASE");
            return new Piece(out, (int) b.length());
        }
        Source.DecodedBlock d = (Source.DecodedBlock) s;
        byte[] stored = buffers.take();
        ChannelInput.readFully(base, d.offset(), stored, 0, d.storedLength(), "BASE");
        int max = images.get(d.image()).superBlock().blockSize();
        byte[] out = buffers.take();
        String what = "BASE block at byte " + d.offset();
        int n = BlockBytes.decode(stored, d.storedLength(), d.metadata(), codecs.decoder(d.image()), out, max, what);
        buffers.give(stored);
        if (n != d.decodedLength()) {
            throw new CorruptInputException(what + " decodes to " + n + " bytes, the patch expects "
                    + d.decodedLength() + " (is this the BASE the patch was made for?)");
        }
        return new Piece(out, n);
    }
}
