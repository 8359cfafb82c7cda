package org.spindelta.squashfs.codec;

import java.util.Objects;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.format.Compressor;

/** Argument checks and the messages every decompressor reports in the same words. */
final class CodecErrors {
    private CodecErrors() {}

    static void checkRanges(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int maxOut) {
        Objects.checkFromIndexSize(srcOff, srcLen, src.length);
        Objects.checkFromIndexSize(dstOff, maxOut, dst.length);
    }

    static CorruptInputException corrupt(Compressor c, int srcLen, String detail, Throwable cause) {
        String why = detail;
        if (cause != null && cause.getMessage() != null && !cause.getMessage().isBlank()) {
            why = detail + ": " + cause.getMessage();
        } else if (cause != null) {
            why = detail + " (" + cause.getClass().getSimpleName() + ")";
        }
        return new CorruptInputException(c.toolName() + " block of " + srcLen + " bytes is corrupt: " + why, cause);
    }

    static CorruptInputException tooLarge(Compressor c, int srcLen, int maxOut) {
        return new CorruptInputException(c.toolName() + " block of " + srcLen + " bytes decompresses to more than "
                + maxOut + " bytes, the most it may hold");
    }

    static CorruptInputException truncated(Compressor c, int srcLen, int produced) {
        return new CorruptInputException(c.toolName() + " block of " + srcLen + " bytes is truncated: the stream "
                + "ends without its end marker after " + produced + " bytes of output");
    }
}
