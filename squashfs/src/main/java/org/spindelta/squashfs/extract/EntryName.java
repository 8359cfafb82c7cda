package org.spindelta.squashfs.extract;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.format.SquashfsConstants;

/**
 * Directory entry names as extraction uses them: raw bytes, one path component each. The reader
 * already rejects bad names; extraction checks again before a name reaches a system call, because a
 * name is the only thing that decides where a file lands (reference doc §6 items 8 and 11,
 * CVE-2021-40153).
 */
final class EntryName {
    /** How the JVM turns path strings into bytes (sun.jnu.encoding), for the paths users type. */
    static final Charset PLATFORM = platformCharset();

    private EntryName() {}

    /**
     * Refuses a name that is not a plain single component: empty, longer than {@link SquashfsConstants#MAX_NAME},
     * containing '/' or NUL, or "." or "..".
     *
     * @param parent the printable path of the directory holding it, for the message
     * @throws CorruptInputException naming the directory and the name
     */
    static void check(byte[] name, String parent) throws CorruptInputException {
        String where = "directory \"" + (parent.isEmpty() ? "/" : parent) + "\"";
        if (name.length == 0 || name.length > SquashfsConstants.MAX_NAME) {
            throw new CorruptInputException(where + " has an entry name of " + name.length + " bytes, outside [1, "
                    + SquashfsConstants.MAX_NAME + "]");
        }
        for (byte b : name) {
            if (b == '/' || b == 0) {
                throw new CorruptInputException(where + " has an entry \"" + printable(name) + "\" containing "
                        + (b == 0 ? "NUL" : "'/'") + "; extraction writes single path components only");
            }
        }
        if (isDotOrDotDot(name)) {
            throw new CorruptInputException(where + " has an entry \"" + printable(name)
                    + "\"; extraction refuses \".\" and \"..\"");
        }
    }

    static boolean isDotOrDotDot(byte[] name) {
        return name.length == 1 && name[0] == '.' || name.length == 2 && name[0] == '.' && name[1] == '.';
    }

    /** {@code parent + "/" + name} as {@link #printable} shows it; the root's children have no leading '/'. */
    static String child(String parent, byte[] name) {
        return parent.isEmpty() ? printable(name) : parent + "/" + printable(name);
    }

    /**
     * The name for messages, on one line: UTF-8 when it is valid, with control characters, DEL and
     * bytes that are not UTF-8 shown as {@code \xNN}.
     */
    static String printable(byte[] name) {
        if (isPlainAscii(name)) {
            // nearly every name: no decoder, no escapes
            return new String(name, StandardCharsets.ISO_8859_1);
        }
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(name)).toString();
        } catch (CharacterCodingException e) {
            s = null;
        }
        StringBuilder sb = new StringBuilder(name.length + 8);
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c == 0x7F || c == '\\') {
                    sb.append(String.format("\\x%02x", (int) c));
                } else {
                    sb.append(c);
                }
            }
        } else {
            for (byte b : name) {
                int c = b & 0xFF;
                sb.append(c < 0x20 || c >= 0x7F || c == '\\' ? String.format("\\x%02x", c) : String.valueOf((char) c));
            }
        }
        return sb.toString();
    }

    private static boolean isPlainAscii(byte[] name) {
        for (byte b : name) {
            if (b < 0x20 || b == 0x7F || b == '\\') {
                return false;
            }
        }
        return true;
    }

    private static Charset platformCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
