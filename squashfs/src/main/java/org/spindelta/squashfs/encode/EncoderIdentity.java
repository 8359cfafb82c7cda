package org.spindelta.squashfs.encode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.spindelta.core.CorruptInputException;

/**
 * Which encoder, with which parameters and which native library version, compresses an image's
 * blocks: what a spin patch records and what an applier compares with its own before it trusts its
 * encoder (byte-exact output depends on all three; spike doc, "Traps: zstd").
 *
 * <p>Stable encoding ({@link #encode()}): one line of ASCII tokens separated by single spaces,
 * <pre>
 *   spindelta-encoder/1 CODEC LIBRARY VERSION KEY=VALUE...
 * </pre>
 * for example {@code spindelta-encoder/1 xz liblzma.so.5 5.4.1 block-size=131072 dict=131072
 * filters=x86 preset=6 check=crc32}. Tokens use only {@code [A-Za-z0-9._,+:/-]} (so no space and no
 * '='); parameters keep the order the encoder gives them, and {@link #decode} accepts exactly what
 * {@link #encode} writes.
 *
 * @param codec the squashfs compressor name: gzip, lzma, lzo, xz, lz4, zstd
 * @param library what encodes: a soname such as "liblzma.so.5", or "java.util.zip" for the JVM's zlib
 * @param version the library's own version string ("5.4.1"), or a description when it has none
 * @param parameters what the encoder does with it, in a fixed order: block size, level, filters...
 */
public record EncoderIdentity(String codec, String library, String version, Map<String, String> parameters) {
    /** First token of the encoding; a later format changes the number. */
    public static final String MAGIC = "spindelta-encoder/1";
    /** Longest encoding {@link #decode} accepts. */
    public static final int MAX_ENCODED_LENGTH = 1024;

    /**
     * @throws IllegalArgumentException if a field is empty or holds a character outside the token set
     */
    public EncoderIdentity {
        requireToken("codec", codec);
        requireToken("library", library);
        requireToken("version", version);
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            requireToken("parameter name", e.getKey());
            requireToken("parameter " + e.getKey(), e.getValue());
            copy.put(e.getKey(), e.getValue());
        }
        parameters = Collections.unmodifiableMap(copy);
    }

    static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || ".,_+:/-".indexOf(c) >= 0;
    }

    private static void requireToken(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty()) {
            throw new IllegalArgumentException("encoder " + field + " is empty");
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isTokenChar(value.charAt(i))) {
                throw new IllegalArgumentException("encoder " + field + " '" + value + "' has character '"
                        + value.charAt(i) + "' at index " + i + "; allowed: A-Z a-z 0-9 . , _ + : / -");
            }
        }
    }

    /** The stable one-line encoding; see the class comment. */
    public String encode() {
        StringBuilder b = new StringBuilder(MAGIC).append(' ').append(codec).append(' ').append(library).append(' ')
                .append(version);
        parameters.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.toString();
    }

    /** {@link #encode()} as US-ASCII bytes. */
    public byte[] toBytes() {
        return encode().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Parses what {@link #encode()} wrote.
     *
     * @throws CorruptInputException if {@code text} is longer than {@link #MAX_ENCODED_LENGTH}, does not
     *     start with {@link #MAGIC}, lacks the codec, library or version, or has a parameter without '=',
     *     with an empty name or value, a repeated name, or a character outside the token set
     */
    public static EncoderIdentity decode(String text) throws CorruptInputException {
        if (text.length() > MAX_ENCODED_LENGTH) {
            throw new CorruptInputException("encoder identity is " + text.length() + " characters, over the "
                    + MAX_ENCODED_LENGTH + " allowed");
        }
        String[] t = text.split(" ", -1);
        if (!t[0].equals(MAGIC)) {
            throw new CorruptInputException("encoder identity does not start with '" + MAGIC + "': '"
                    + abbreviate(text) + "'");
        }
        if (t.length < 4) {
            throw new CorruptInputException("encoder identity has " + (t.length - 1)
                    + " fields after '" + MAGIC + "'; expected at least 3 (codec, library, version): '"
                    + abbreviate(text) + "'");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 4; i < t.length; i++) {
            int eq = t[i].indexOf('=');
            if (eq <= 0 || eq == t[i].length() - 1) {
                throw new CorruptInputException("encoder identity field " + i + " '" + abbreviate(t[i])
                        + "' is not NAME=VALUE");
            }
            if (parameters.put(t[i].substring(0, eq), t[i].substring(eq + 1)) != null) {
                throw new CorruptInputException("encoder identity repeats parameter '" + t[i].substring(0, eq)
                        + "' (field " + i + ")");
            }
        }
        try {
            return new EncoderIdentity(t[1], t[2], t[3], parameters);
        } catch (IllegalArgumentException e) {
            throw new CorruptInputException("encoder identity '" + abbreviate(text) + "': " + e.getMessage());
        }
    }

    /**
     * Parses what {@link #toBytes()} wrote.
     *
     * @throws CorruptInputException as {@link #decode(String)}, and for a byte outside printable ASCII
     */
    public static EncoderIdentity fromBytes(byte[] bytes) throws CorruptInputException {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] < 0x20 || bytes[i] > 0x7E) {
                throw new CorruptInputException(String.format("encoder identity byte %d is 0x%02x, not printable "
                        + "ASCII", i, bytes[i] & 0xFF));
            }
        }
        return decode(new String(bytes, StandardCharsets.US_ASCII));
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /**
     * How {@code other} differs from this identity, one phrase per field ("version 5.4.1 here, 5.2.5
     * there"); empty when they are equal.
     */
    public List<String> differences(EncoderIdentity other) {
        List<String> d = new ArrayList<>();
        compare(d, "codec", codec, other.codec);
        compare(d, "library", library, other.library);
        compare(d, "version", version, other.version);
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            compare(d, e.getKey(), e.getValue(), other.parameters.getOrDefault(e.getKey(), "(absent)"));
        }
        for (Map.Entry<String, String> e : other.parameters.entrySet()) {
            if (!parameters.containsKey(e.getKey())) {
                compare(d, e.getKey(), "(absent)", e.getValue());
            }
        }
        return d;
    }

    private static void compare(List<String> d, String field, String here, String there) {
        if (!here.equals(there)) {
            d.add(field + " " + here + " here, " + there + " there");
        }
    }

    /** "xz with liblzma.so.5 5.4.1 (block-size 131072, dict 131072, filters x86, preset 6, check crc32)". */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(codec).append(" with ").append(library).append(' ').append(version);
        if (!parameters.isEmpty()) {
            b.append(" (");
            String sep = "";
            for (Map.Entry<String, String> e : parameters.entrySet()) {
                b.append(sep).append(e.getKey()).append(' ').append(e.getValue());
                sep = ", ";
            }
            b.append(')');
        }
        return b.toString();
    }
}
