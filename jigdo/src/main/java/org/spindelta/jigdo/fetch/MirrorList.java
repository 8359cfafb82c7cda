package org.spindelta.jigdo.fetch;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.spindelta.core.CorruptInputException;
import org.spindelta.jigdo.format.JigdoFile;
import org.spindelta.jigdo.format.RangeLocation;

/**
 * Turns a {@code [Parts]} location into the URLs to try, in order: {@code Label:path} through the
 * {@code .jigdo} file's {@code [Servers]} (labels of labels up to {@link #MAX_LABEL_DEPTH} deep), each
 * server in file order, {@code --try-last} ones (at any level of the chain) after all others. Only
 * {@code http}, {@code https} and {@code file} URLs are kept; a path with {@code ..} or starting with
 * {@code /} expands to nothing.
 */
public final class MirrorList {
    /** Deeper than this is a loop (as {@code PartLocator}). */
    static final int MAX_LABEL_DEPTH = 16;

    /** One URL to fetch a part from, with the byte range to ask for when the part is a range location. */
    public record Source(URI uri, Optional<RangeLocation> range) {
        @Override
        public String toString() {
            return uri + range.map(r -> "#bytes=" + r.first() + "-" + (r.end() - 1)).orElse("");
        }
    }

    private record Url(String text, boolean tryLast) {}

    private final Map<String, List<JigdoFile.Server>> servers;

    public MirrorList(Map<String, List<JigdoFile.Server>> servers) {
        this.servers = servers;
    }

    /** The sources of the {@code locations} of one part, in the order to try them, without repeats. */
    public List<Source> sources(List<String> locations) throws CorruptInputException {
        List<Url> first = new ArrayList<>();
        List<Source> out = new ArrayList<>();
        List<Optional<RangeLocation>> ranges = new ArrayList<>();
        for (String loc : locations) {
            Optional<RangeLocation> r = RangeLocation.parse(loc);
            List<Url> urls = new ArrayList<>();
            expand(r.isPresent() ? r.get().file() : loc, false, 0, urls);
            for (Url u : urls) {
                first.add(u);
                ranges.add(r);
            }
        }
        for (boolean last : new boolean[] {false, true}) {
            for (int i = 0; i < first.size(); i++) {
                if (first.get(i).tryLast() == last) {
                    Optional<URI> uri = toUri(first.get(i).text());
                    if (uri.isPresent()) {
                        Source s = new Source(uri.get(), ranges.get(i));
                        if (!out.contains(s)) {
                            out.add(s);
                        }
                    }
                }
            }
        }
        return out;
    }

    private void expand(String location, boolean tryLast, int depth, List<Url> out) throws CorruptInputException {
        if (depth > MAX_LABEL_DEPTH) {
            throw new CorruptInputException(".jigdo [Servers] labels nest deeper than " + MAX_LABEL_DEPTH
                    + " expanding '" + location + "' (a loop?)");
        }
        if (isUrl(location)) {
            out.add(new Url(location, tryLast));
            return;
        }
        int colon = location.indexOf(':');
        if (colon <= 0) {
            return;
        }
        String label = location.substring(0, colon);
        String path = location.substring(colon + 1);
        if (!safeRelative(path)) {
            return;
        }
        for (JigdoFile.Server s : servers.getOrDefault(label, List.of())) {
            List<Url> bases = new ArrayList<>();
            expand(s.location(), tryLast || s.tryLast(), depth + 1, bases);
            for (Url b : bases) {
                String base = b.text();
                out.add(new Url(path.isEmpty() ? base : base + (base.endsWith("/") ? "" : "/") + encodePath(path),
                        b.tryLast()));
            }
        }
    }

    private static boolean isUrl(String s) {
        String l = s.toLowerCase(java.util.Locale.ROOT);
        return l.startsWith("http://") || l.startsWith("https://") || l.startsWith("file:");
    }

    private static Optional<URI> toUri(String s) {
        try {
            URI u = new URI(s);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (scheme.equals("file") || ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null)) {
                return Optional.of(u);
            }
        } catch (URISyntaxException e) {
            // a server entry that is no URL is simply not a source
        }
        return Optional.empty();
    }

    static boolean safeRelative(String path) {
        if (path.startsWith("/")) {
            return false;
        }
        for (String seg : path.split("/")) {
            if (seg.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** Percent-encodes every byte of {@code path} but unreserved characters and {@code /} (RFC 3986 2.3). */
    static String encodePath(String path) {
        StringBuilder s = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                s.append((char) c);
            } else {
                s.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return s.toString();
    }
}
