package org.spindelta.jigdo.format;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.spindelta.core.CorruptInputException;

/**
 * A parsed {@code .jigdo} file: its sections and entries in file order, repeated keys and sections kept
 * (jigdo-file(1), "FORMAT OF .JIGDO FILES"; reference jigdo.md section 2). Made by
 * {@link JigdoFileReader}; the accessors give the meaning jigdo gives them: only the first
 * {@code [Image]} section counts, every {@code [Parts]} and {@code [Servers]} section does, a repeated
 * checksum or label lists alternatives.
 *
 * @param sections in file order
 */
public record JigdoFile(List<Section> sections) {
    /** The largest {@code [Jigdo] Version} major number jigdo-file accepts ("Upgrade required" above). */
    public static final int MAX_VERSION_MAJOR = 2;

    /**
     * One {@code Key=Value} line.
     *
     * @param key trimmed
     * @param value after the {@code =}, trimmed, comment removed, quoting kept (see {@link #words()})
     * @param line 1-based line number, for messages
     */
    public record Entry(String key, String value, int line) {
        /** The value split into words, quotes and escapes removed. */
        public List<String> words() throws CorruptInputException {
            try {
                return JigdoWords.split(value);
            } catch (IllegalArgumentException e) {
                throw new CorruptInputException(".jigdo line " + line + " (" + key + "): " + e.getMessage());
            }
        }

        /** The first word, or "" for an empty value. */
        public String firstWord() throws CorruptInputException {
            List<String> w = words();
            return w.isEmpty() ? "" : w.get(0);
        }
    }

    /** A {@code [Name]} section and its entries. */
    public record Section(String name, List<Entry> entries) {
        /** The first entry with {@code key}, if any. */
        public Optional<Entry> first(String key) {
            return entries.stream().filter(e -> e.key().equals(key)).findFirst();
        }
    }

    /**
     * One server location of a label: a URI or {@code Label:path}, and whether {@code --try-last} lowers
     * its priority (debian-cd gives snapshot.debian.org that way).
     */
    public record Server(String location, boolean tryLast) {}

    /** The first section named {@code name}. */
    public Optional<Section> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** {@code [Image] Key}, first word; empty if absent. */
    public Optional<String> image(String key) throws CorruptInputException {
        Optional<Entry> e = section("Image").flatMap(s -> s.first(key));
        return e.isEmpty() ? Optional.empty() : Optional.of(e.get().firstWord());
    }

    /** {@code ShortInfo} or {@code Info} of {@code [Image]}: not split into words, quoting kept. */
    public Optional<String> imageText(String key) {
        return section("Image").flatMap(s -> s.first(key)).map(Entry::value);
    }

    /** The template's checksum of {@code kind} from {@code [Image]}, if given. */
    public Optional<byte[]> templateChecksum(ChecksumKind kind) throws CorruptInputException {
        Optional<Entry> e = section("Image").flatMap(s -> s.first(kind.templateKey()));
        if (e.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(JigdoBase64.decode(e.get().firstWord(), kind.length(),
                ".jigdo line " + e.get().line() + " " + kind.templateKey()));
    }

    /**
     * Where each part may be found: the jigdo base64 checksum to its {@code [Parts]} values in file
     * order, from every {@code [Parts]} section.
     */
    public Map<String, List<String>> parts() throws CorruptInputException {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Section s : sections) {
            if (s.name().equals("Parts")) {
                for (Entry e : s.entries()) {
                    m.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e.firstWord());
                }
            }
        }
        return m;
    }

    /**
     * Each label's locations from every {@code [Servers]} section, in file order with {@code --try-last}
     * entries moved after the others.
     */
    public Map<String, List<Server>> servers() throws CorruptInputException {
        Map<String, List<Server>> m = new LinkedHashMap<>();
        for (Section s : sections) {
            if (s.name().equals("Servers")) {
                for (Entry e : s.entries()) {
                    List<String> w = e.words();
                    if (w.isEmpty()) {
                        throw new CorruptInputException(".jigdo line " + e.line() + ": label " + e.key() + " has no location");
                    }
                    m.computeIfAbsent(e.key(), k -> new ArrayList<>())
                            .add(new Server(w.get(0), w.subList(1, w.size()).contains("--try-last")));
                }
            }
        }
        for (List<Server> list : m.values()) {
            list.sort((a, b) -> Boolean.compare(a.tryLast(), b.tryLast())); // stable: file order otherwise
        }
        return m;
    }
}
