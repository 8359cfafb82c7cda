package org.spindelta.jigdo.serve;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.OptionalLong;

/** IMF-fixdate (RFC 9110 section 5.6.7): {@code Sun, 06 Nov 1994 08:49:37 GMT}, whole seconds. */
final class HttpDate {
    // not RFC_1123_DATE_TIME: it writes one-digit days without the leading zero HTTP requires
    private static final DateTimeFormatter FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private HttpDate() {}

    static String format(long millis) {
        return FIXDATE.format(Instant.ofEpochMilli(millis));
    }

    /** Milliseconds of an IMF-fixdate (the only form a sender may generate), empty if it is not one. */
    static OptionalLong parse(String text) {
        try {
            return OptionalLong.of(Instant.from(FIXDATE.parse(text.strip())).toEpochMilli());
        } catch (DateTimeParseException e) {
            return OptionalLong.empty();
        }
    }
}
