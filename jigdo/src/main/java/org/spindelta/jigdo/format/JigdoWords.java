package org.spindelta.jigdo.format;

import java.util.ArrayList;
import java.util.List;

/**
 * The quoting of {@code .jigdo} values (jigdo-file(1), "FORMAT OF .JIGDO FILES"): a value is split into
 * whitespace-separated words like a shell would; {@code '...'} makes {@code "#\} and whitespace ordinary,
 * {@code "..."} makes {@code '#} and whitespace ordinary but keeps {@code \} escapes, and outside quotes
 * {@code \} escapes the next character. An unquoted {@code #} starts a comment.
 */
public final class JigdoWords {
    private JigdoWords() {}

    /**
     * Where the comment of {@code line} starts: the first {@code #} outside quotes, or the line's length.
     */
    public static int commentStart(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                }
            } else if (c == '\\') {
                i++;
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#') {
                return i;
            }
        }
        return line.length();
    }

    /**
     * The words of {@code value} with quotes and escapes removed.
     *
     * @throws IllegalArgumentException if a quote is not closed or the value ends in a lone backslash
     */
    public static List<String> split(String value) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\\') {
                if (++i == value.length()) {
                    throw new IllegalArgumentException("value ends in a lone backslash");
                }
                w.append(value.charAt(i));
                inWord = true;
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == ' ' || c == '\t') {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unclosed " + quote + " quote");
        }
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }

    /**
     * {@code word} quoted so that {@link #split} returns it as one word: unchanged when it has no special
     * character, else in single quotes, an embedded {@code '} written as {@code '\''}.
     *
     * @throws IllegalArgumentException if it contains a line break, which no {@code .jigdo} line can hold
     */
    public static String quote(String word) {
        if (word.indexOf('\n') >= 0 || word.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a .jigdo value cannot contain a line break: " + word);
        }
        if (!word.isEmpty() && word.chars().noneMatch(c -> c == '\'' || c == '"' || c == '#' || c == '\\'
                || c == ' ' || c == '\t')) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
