package org.spindelta.squashfs.spin;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.List;
import org.spindelta.core.ChannelInput;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.read.SquashfsImage;

/** Produces one piece of OLD from BASE. */
final class SourceReader {
    /** Largest piece of BASE bytes read as one array: a block's worth (blocks are at most 1 MiB). */
    static final int MAX_PIECE = 1 << 20;

    private SourceReader() {}

    /**
     * The bytes {@code s} contributes to OLD: BASE bytes as they are, or a base block decoded, which must
     * decode to exactly the length the plan records.
     */
    static byte[] read(FileChannel base, List<SquashfsImage> images, Source s, ThreadCodecs codecs)
            throws IOException {
        if (s instanceof Source.BaseBytes b) {
            if (b.length() > MAX_PIECE) {
                throw new IllegalArgumentException("BASE bytes of " + b.length() + " read whole (split them)");
            }
            byte[] out = new byte[Math.toIntExact(b.length())];
            ChannelInput.readFully(base, b.offset(), out, 0, out.length, "BASE");
            return out;
        }
        Source.DecodedBlock d = (Source.DecodedBlock) s;
        byte[] stored = new byte[d.storedLength()];
        ChannelInput.readFully(base, d.offset(), stored, 0, stored.length, "BASE");
        int max = images.get(d.image()).superBlock().blockSize();
        byte[] out = new byte[Math.max(max, 8192)];
        String what = "BASE block at byte " + d.offset();
        int n = BlockBytes.decode(stored, stored.length, d.metadata(), codecs.decoder(d.image()), out, max, what);
        if (n != d.decodedLength()) {
            throw new CorruptInputException(what + " decodes to " + n + " bytes, the patch expects "
                    + d.decodedLength() + " (is this the BASE the patch was made for?)");
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }
}
