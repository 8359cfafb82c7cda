package org.spindelta.squashfs.pool;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.FormatException;
import org.spindelta.core.Sha256;
import org.spindelta.core.UnsupportedFormatException;

/**
 * The framing shared by recipes and pack indexes: an 8-byte magic, a u32 version, the body, and the SHA-256
 * of everything before it. The trailer makes a torn or altered file fail before any field is trusted.
 */
final class MetadataFile {
    static final int HEADER = 12;
    static final int TRAILER = Sha256.LENGTH;

    private MetadataFile() {}

    /** A writer for a body; {@link #seal} adds the trailer. */
    static DataOutputStream start(ByteArrayOutputStream buf, byte[] magic) throws IOException {
        return start(buf, magic, PoolFormat.VERSION);
    }

    static DataOutputStream start(ByteArrayOutputStream buf, byte[] magic, int version) throws IOException {
        DataOutputStream out = new DataOutputStream(buf);
        out.write(magic);
        out.writeInt(version);
        return out;
    }

    static byte[] seal(ByteArrayOutputStream buf) {
        byte[] body = buf.toByteArray();
        byte[] sha = Sha256.of(body, 0, body.length);
        byte[] out = Arrays.copyOf(body, body.length + TRAILER);
        System.arraycopy(sha, 0, out, body.length, TRAILER);
        return out;
    }

    /** Checks magic, version and trailer; returns a reader positioned at the body, ending before the trailer. */
    static FieldReader open(byte[] bytes, byte[] magic, String file, String kind) throws IOException {
        return open(bytes, magic, file, kind, PoolFormat.VERSION);
    }

    /** As {@link #open(byte[], byte[], String, String)}, for a file of any version from 1 to {@code newest}. */
    static FieldReader open(byte[] bytes, byte[] magic, String file, String kind, int newest) throws IOException {
        if (bytes.length < magic.length || !Arrays.equals(bytes, 0, magic.length, magic, 0, magic.length)) {
            throw new FormatException(file + " is not a pool " + kind + " (no \"" + new String(magic,
                    java.nio.charset.StandardCharsets.US_ASCII) + "\" magic)");
        }
        if (bytes.length < HEADER + TRAILER) {
            throw new CorruptInputException(file + " is truncated: " + bytes.length + " bytes, a " + kind
                    + " has at least " + (HEADER + TRAILER));
        }
        int end = bytes.length - TRAILER;
        if (!Arrays.equals(Sha256.of(bytes, 0, end), 0, TRAILER, bytes, end, bytes.length)) {
            throw new CorruptInputException(file + " is damaged: its trailing SHA-256 does not match its "
                    + end + " bytes");
        }
        FieldReader r = new FieldReader(bytes, end, file);
        r.bytes(magic.length, "magic");
        int version = r.u32("version", Integer.MAX_VALUE);
        if (version < 1 || version > newest) {
            throw new UnsupportedFormatException(file + ": " + kind + " version " + version + ", this spindelta reads "
                    + (newest == 1 ? "version 1" : "versions 1 to " + newest));
        }
        r.version = version;
        return r;
    }
}
