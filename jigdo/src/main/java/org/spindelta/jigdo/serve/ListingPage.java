package org.spindelta.jigdo.serve;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/** The page at {@code /}: each image with its length and state, and links to it and its files. */
final class ListingPage {
    private ListingPage() {}

    static String html(ServedDirectory d) {
        StringBuilder s = new StringBuilder();
        s.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>jigdo images</title></head><body>\n");
        s.append("<h1>jigdo images</h1>\n<table>\n<tr><th>image</th><th>bytes</th><th>state</th><th>files</th></tr>\n");
        for (ServedImage img : d.images()) {
            ImageStatus st = ImageStatus.of(img);
            s.append("<tr><td>");
            if (st.available()) {
                link(s, img.name());
            } else {
                s.append(escape(img.name()));
            }
            s.append("</td><td>").append(st.length() < 0 ? "?" : Long.toString(st.length())).append("</td><td>")
                    .append(escape(st.state())).append("</td><td>");
            served(d, Optional.of(img.source())).ifPresent(n -> link(s, n));
            Optional<String> t = served(d, img.templatePath()).filter(n -> !n.equals(img.source().getFileName().toString()));
            if (t.isPresent()) {
                s.append(' ');
                link(s, t.get());
            }
            s.append("</td></tr>\n");
        }
        s.append("</table>\n</body></html>\n");
        return s.toString();
    }

    /** The name {@code file} is served under, if it is served. */
    private static Optional<String> served(ServedDirectory d, Optional<java.nio.file.Path> file) {
        return file.map(f -> f.getFileName().toString()).filter(n -> d.get(n).orElse(null) instanceof ServedFile sf
                && sf.file().getFileName().toString().equals(n));
    }

    private static void link(StringBuilder s, String name) {
        s.append("<a href=\"").append(escape(href(name))).append("\">").append(escape(name)).append("</a>");
    }

    /** {@code ./NAME} with everything a path segment may not hold percent-encoded. */
    static String href(String name) {
        try {
            return new URI(null, null, "./" + name, null).toASCIIString().replace("?", "%3F").replace("#", "%23");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String escape(String t) {
        StringBuilder s = new StringBuilder(t.length());
        for (char c : t.toCharArray()) {
            switch (c) {
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '&' -> s.append("&amp;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }
}
