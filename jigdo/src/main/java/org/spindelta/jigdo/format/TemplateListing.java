package org.spindelta.jigdo.format;

import java.util.Locale;
import org.apache.commons.codec.binary.Hex;

/**
 * One line per DESC entry, exactly as {@code jigdo-file list-template} prints it: kind, image offset,
 * length, then for matched files the checksum and rsync64 sum, for the image info the image length, the
 * block length and the image checksum; jigdo base64, or hex with {@code --hex}.
 */
public final class TemplateListing {
    private TemplateListing() {}

    public static String line(DescEntry e, boolean hex) {
        String kind = e.type().listName();
        if (e.type() == DescEntryType.UNMATCHED) {
            return String.format(Locale.ROOT, "%-18s%12d %12d", kind, e.imageOffset(), e.length());
        }
        String sum = hex ? Hex.encodeHexString(e.checksum()) : JigdoBase64.encode(e.checksum());
        if (e.type().isImageInfo()) {
            return String.format(Locale.ROOT, "%-18s%12d %12d %46s", kind, e.length(), Math.max(0, e.blockLength()), sum);
        }
        String line = String.format(Locale.ROOT, "%-18s%12d %12d %46s", kind, e.imageOffset(), e.length(), sum);
        if (e.rsync64() == null) {
            return line;
        }
        return line + (hex ? " " + Hex.encodeHexString(e.rsync64()) : "  " + JigdoBase64.encode(e.rsync64()));
    }
}
