package org.spindelta.jigdo.format;

import java.util.Base64;
import org.spindelta.core.CorruptInputException;

/**
 * jigdo's Base64: RFC 2045 with {@code -} for {@code +}, {@code _} for {@code /} and no {@code =}
 * padding (jigdo {@code doc/Hacking.txt}; reference jigdo.md section 2). That is exactly the URL-safe
 * alphabet of RFC 4648 without padding: MD5 is 22 characters, SHA-256 43, an rsync64 sum 11.
 */
public final class JigdoBase64 {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private JigdoBase64() {}

    public static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /** The length of the encoding of {@code n} bytes. */
    public static int encodedLength(int n) {
        return (n * 4 + 2) / 3;
    }

    /**
     * Decodes {@code text}, which must encode exactly {@code length} bytes.
     *
     * @throws CorruptInputException naming {@code what} if it has characters outside the alphabet, padding
     *     or the wrong length
     */
    public static byte[] decode(String text, int length, String what) throws CorruptInputException {
        if (text.length() != encodedLength(length)) {
            throw new CorruptInputException(what + " '" + abbreviate(text) + "' has " + text.length()
                    + " characters; a " + length + "-byte checksum in jigdo base64 has " + encodedLength(length));
        }
        try {
            byte[] b = DECODER.decode(text);
            if (!ENCODER.encodeToString(b).equals(text)) {
                // non-zero bits after the last full byte: not what any encoder writes
                throw new IllegalArgumentException("trailing bits");
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw new CorruptInputException(what + " '" + abbreviate(text) + "' is not jigdo base64 (A-Z a-z 0-9 - _)");
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
