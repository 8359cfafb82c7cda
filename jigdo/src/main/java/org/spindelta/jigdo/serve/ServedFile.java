package org.spindelta.jigdo.serve;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import org.spindelta.core.ChannelInput;
import org.spindelta.jigdo.rebuild.ByteRange;
import org.spindelta.jigdo.rebuild.ImageAssembler.ByteSink;

/**
 * A {@code .jigdo} or template file of the served directory, sent as it is. Its length and entity tag are
 * those it had when the server started; a file changed since is refused (503) until the server is restarted,
 * as the images made from it would be.
 */
final class ServedFile implements ServedResource {
    private final String name;
    private final Path file;
    private final PartVerifier.FileState state;
    private final String contentType;

    private ServedFile(String name, Path file, PartVerifier.FileState state, String contentType) {
        this.name = name;
        this.file = file;
        this.state = state;
        this.contentType = contentType;
    }

    static ServedFile of(Path file, String contentType) throws IOException {
        return new ServedFile(file.getFileName().toString(), file, PartVerifier.stateOf(file), contentType);
    }

    @Override
    public String name() {
        return name;
    }

    Path file() {
        return file;
    }

    @Override
    public long length() {
        return state.size();
    }

    @Override
    public String contentType() {
        return contentType;
    }

    @Override
    public String etag() {
        return String.format(Locale.ROOT, "\"%x-%x\"", state.size(), state.modified().toMillis());
    }

    @Override
    public long lastModified() {
        return state.modified().toMillis();
    }

    @Override
    public Body open(List<ByteRange> ranges, byte[] buf) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            if (!PartVerifier.stateOf(file).equals(state)) {
                ch.close();
                throw new UnavailableException(name + " changed since the server started; restart it to serve the new one");
            }
        } catch (UnavailableException e) {
            throw e;
        } catch (IOException e) {
            throw new UnavailableException(name + " cannot be read: " + e.getMessage(), e);
        }
        return new Body() {
            @Override
            public void write(ByteRange range, ByteSink out) throws IOException {
                for (long p = range.first(); p <= range.last(); ) {
                    int n = (int) Math.min(buf.length, range.last() + 1 - p);
                    ChannelInput.readFully(ch, p, buf, 0, n, name);
                    out.write(buf, 0, n);
                    p += n;
                }
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }
}
