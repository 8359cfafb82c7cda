package org.spindelta.jigdo.match;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.spindelta.core.CorruptInputException;

/**
 * Checksums known in advance, so make-template need not read candidate files (JTE's {@code -md5-list}
 * and {@code -checksum-list}, jigit-mkimage's {@code -f/-F}). Two line formats, MD5 or SHA-256 by the
 * digest's length:
 * <ul>
 *   <li>md5sum/sha256sum: {@code hex␣␣path} or {@code hex␣*path}; a line starting with {@code \} has
 *       {@code \\} and {@code \n} escapes in its path (coreutils);</li>
 *   <li>JTE / jigdo-gen-checksum-list: {@code hex␣␣size␣␣path}, the size right-aligned in 12 columns.</li>
 * </ul>
 * Relative paths are taken relative to the list's directory, as md5sum -c does with its working directory.
 */
public final class ChecksumList {
    /** Digest lengths in hex: MD5 and SHA-256. */
    private static final Pattern JTE = Pattern.compile("([0-9a-fA-F]{32}|[0-9a-fA-F]{64})  ( {0,11}\\d{1,12}|\\d{13,})  (.+)");
    private static final Pattern SUM = Pattern.compile("\\\\?([0-9a-fA-F]{32}|[0-9a-fA-F]{64}) [ *](.+)");
    /** Longest line read: a 64-hex digest, a size and a path of at most PATH_MAX. */
    private static final int MAX_LINE = 64 + 24 + 4096;

    /**
     * One file's digest.
     *
     * @param size its size, or -1 when the list does not say
     */
    public record Entry(byte[] digest, long size) {
        public boolean sha256() {
            return digest.length == 32;
        }
    }

    private final Map<Path, Entry> byPath = new HashMap<>();

    private ChecksumList() {}

    /** An empty list: every checksum is computed. */
    public static ChecksumList empty() {
        return new ChecksumList();
    }

    /**
     * Reads lists; a later entry for the same path replaces an earlier one.
     *
     * @throws CorruptInputException naming the file and line that is neither format
     */
    public static ChecksumList read(Iterable<Path> lists) throws IOException {
        ChecksumList l = new ChecksumList();
        for (Path f : lists) {
            Path base = f.toAbsolutePath().getParent();
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                int n = 0;
                for (String line; (line = r.readLine()) != null; ) {
                    n++;
                    if (line.isBlank() || line.startsWith("#")) {
                        continue;
                    }
                    if (line.length() > MAX_LINE) {
                        throw new CorruptInputException("checksum list " + f + " line " + n + ": longer than "
                                + MAX_LINE + " characters");
                    }
                    l.add(base, line, f, n);
                }
            }
        }
        return l;
    }

    private void add(Path base, String line, Path file, int n) throws CorruptInputException {
        Matcher m = JTE.matcher(line);
        if (m.matches()) {
            put(base, m.group(3), m.group(1), Long.parseLong(m.group(2).strip()));
            return;
        }
        m = SUM.matcher(line);
        if (m.matches()) {
            String path = m.group(2);
            if (line.startsWith("\\")) {
                path = unescape(path);
            }
            put(base, path, m.group(1), -1);
            return;
        }
        throw new CorruptInputException("checksum list " + file + " line " + n + ": neither \"HEX  PATH\" "
                + "(md5sum/sha256sum) nor \"HEX  SIZE  PATH\" (JTE)");
    }

    private void put(Path base, String path, String hex, long size) {
        byPath.put(base.resolve(path).toAbsolutePath().normalize(), new Entry(HexFormat.of().parseHex(hex), size));
    }

    /** coreutils' escaping of names with a backslash or newline: {@code \\} and {@code \n}. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char d = s.charAt(++i);
                b.append(d == 'n' ? '\n' : d);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * The listed digest of {@code file}, if the list has one whose size (when the list gives one) is
     * {@code size}; otherwise null.
     */
    public Entry find(Path file, long size) {
        Entry e = byPath.get(file.toAbsolutePath().normalize());
        return e != null && (e.size() < 0 || e.size() == size) ? e : null;
    }

    /** Entries read. */
    public int size() {
        return byPath.size();
    }
}
