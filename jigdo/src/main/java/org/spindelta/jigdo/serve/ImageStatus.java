package org.spindelta.jigdo.serve;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An image's state for people: the console line at startup and the listing page's row.
 *
 * @param name the image's name (its URL's last segment)
 * @param length bytes, or -1 when its template could not be read
 * @param unavailable why it cannot be served at all
 * @param badParts parts that failed their checksum when hashed (requests touching them get 503)
 */
record ImageStatus(String name, long length, Optional<String> unavailable, List<String> badParts, int parts) {
    static ImageStatus of(ServedImage img) {
        return new ImageStatus(img.name(), img.length(), img.unavailable(), img.badParts(), img.partCount());
    }

    boolean available() {
        return unavailable.isEmpty();
    }

    String state() {
        if (unavailable.isPresent()) {
            return "unavailable: " + unavailable.get();
        }
        if (!badParts.isEmpty()) {
            return "available, but " + badParts.size() + " part" + (badParts.size() == 1 ? "" : "s")
                    + " failed the template's checksum and are not served, e.g. " + badParts.get(0);
        }
        return "available (" + parts + " part files)";
    }

    String line() {
        return String.format(Locale.ROOT, "%s  %s  %s", name, length < 0 ? "?" : length + " bytes", state());
    }
}
