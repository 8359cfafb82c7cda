package org.spindelta.jigdo.serve;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.spindelta.jigdo.rebuild.ByteRange;

/**
 * The framing of a {@code multipart/byteranges} body (RFC 9110 section 14.6, RFC 2046 section 5.1.1): for each
 * range a delimiter line, its Content-Type and Content-Range, an empty line and the bytes; then the close
 * delimiter. Every CRLF before a delimiter belongs to the delimiter, so the body is
 * {@code --B CRLF headers CRLF CRLF bytes CRLF --B ... bytes CRLF --B-- CRLF}. Its length is known before
 * anything is sent, so the response has a Content-Length, as single-range ones do.
 */
final class Multipart {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String boundary;
    private final String contentType;
    private final long length;
    private final List<ByteRange> ranges;

    Multipart(List<ByteRange> ranges, String contentType, long length) {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b); // 96 random bits: the chance of the line "--spindelta-..." occurring in the bytes is nil
        this.boundary = "spindelta-" + HexFormat.of().formatHex(b);
        this.contentType = contentType;
        this.length = length;
        this.ranges = List.copyOf(ranges);
    }

    /** The response's Content-Type. */
    String contentType() {
        return "multipart/byteranges; boundary=" + boundary;
    }

    /** What precedes range {@code i}'s bytes. */
    byte[] head(int i) {
        ByteRange r = ranges.get(i);
        return ("--" + boundary + "\r\nContent-Type: " + contentType + "\r\nContent-Range: bytes " + r.first() + "-"
                + r.last() + "/" + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** What follows each range's bytes. */
    static byte[] afterPart() {
        return new byte[] {'\r', '\n'};
    }

    /** The close delimiter, after the last part. */
    byte[] tail() {
        return ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The whole body's length. */
    long bodyLength() {
        long n = tail().length;
        for (int i = 0; i < ranges.size(); i++) {
            n += head(i).length + ranges.get(i).length() + afterPart().length;
        }
        return n;
    }
}
