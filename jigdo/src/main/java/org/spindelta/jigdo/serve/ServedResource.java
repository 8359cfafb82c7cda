package org.spindelta.jigdo.serve;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import org.spindelta.jigdo.rebuild.ByteRange;
import org.spindelta.jigdo.rebuild.ImageAssembler.ByteSink;

/** Something the server sends under a name: an image built on the fly, or a {@code .jigdo}/template file. */
interface ServedResource {
    /** The last segment of its URL path. */
    String name();

    /** Its length in bytes; the value of Content-Length for a 200. */
    long length();

    String contentType();

    /** A strong entity tag, quoted (RFC 9110 section 8.8.3). */
    String etag();

    /** Milliseconds since the epoch, for Last-Modified and If-Range dates. */
    long lastModified();

    /**
     * Everything that can be checked before the response's status line is sent, for a response of
     * {@code ranges}: a failure here is a 503 with its message, not a broken body.
     *
     * @param buf the request's buffer, used by the writer and by any checking done here
     * @throws UnavailableException if the resource cannot be served now, with why
     */
    Body open(List<ByteRange> ranges, byte[] buf) throws IOException;

    /** Writes the ranges opened; may still fail (then the connection is cut, never padded). */
    interface Body extends Closeable {
        void write(ByteRange range, ByteSink out) throws IOException;
    }
}
