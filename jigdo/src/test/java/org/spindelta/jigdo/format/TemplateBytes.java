package org.spindelta.jigdo.format;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

/**
 * Builds template files byte by byte for the rejection tests: a header, parts and DESC entries with any
 * lengths, ids and types, consistent or not.
 */
final class TemplateBytes {
    private String header = "JigsawDownload template 1.2 test/1\r\ncomment\r\n\r\n";
    private final ByteArrayOutputStream parts = new ByteArrayOutputStream();
    private final ByteArrayOutputStream desc = new ByteArrayOutputStream();
    private Long descLength;
    private Long trailer;

    TemplateBytes header(String h) {
        header = h;
        return this;
    }

    /** A DATA part holding {@code data} zlib-compressed, with correct lengths. */
    TemplateBytes data(byte[] data) {
        byte[] z = zlib(data);
        return part("DATA", z.length + 16L, data.length, z);
    }

    /** A part with any id and lengths. */
    TemplateBytes part(String id, long partLength, long dataLength, byte[] stream) {
        parts.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
        parts.writeBytes(u48(partLength));
        parts.writeBytes(u48(dataLength));
        parts.writeBytes(stream);
        return this;
    }

    TemplateBytes unmatched(long length) {
        return entry(2, length, new byte[0]);
    }

    TemplateBytes matchedMd5(long length, byte[] md5) {
        return entry(6, length, concat(new byte[8], md5));
    }

    TemplateBytes matchedSha256(long length, byte[] sha) {
        return entry(9, length, concat(new byte[8], sha));
    }

    TemplateBytes imageInfoMd5(long length, byte[] md5) {
        return entry(5, length, concat(md5, new byte[] {0, 4, 0, 0}));
    }

    /** An entry of any type: the type byte, a 48-bit length, then {@code rest}. */
    TemplateBytes entry(int type, long length, byte[] rest) {
        desc.write(type);
        desc.writeBytes(u48(length));
        desc.writeBytes(rest);
        return this;
    }

    TemplateBytes raw(byte[] b) {
        desc.writeBytes(b);
        return this;
    }

    /** Overrides the length DESC's header gives. */
    TemplateBytes descLength(long n) {
        descLength = n;
        return this;
    }

    /** Overrides the length in the file's last 6 bytes. */
    TemplateBytes trailer(long n) {
        trailer = n;
        return this;
    }

    byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(parts.toByteArray());
        long len = desc.size() + 16L;
        out.writeBytes("DESC".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(u48(descLength != null ? descLength : len));
        out.writeBytes(desc.toByteArray());
        out.writeBytes(u48(trailer != null ? trailer : len));
        return out.toByteArray();
    }

    static byte[] zlib(byte[] data) {
        Deflater d = new Deflater();
        d.setInput(data);
        d.finish();
        byte[] buf = new byte[data.length + 64];
        int n = d.deflate(buf);
        d.end();
        return java.util.Arrays.copyOf(buf, n);
    }

    static byte[] u48(long v) {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
