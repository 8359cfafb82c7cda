package org.spindelta.jigdo.format;

/**
 * The three text lines that start a template: {@code JigsawDownload template VERSION CREATOR}, a comment
 * and an empty line, each ending in CRLF (reference jigdo.md section 1.2). Readers do not act on the
 * version: the DESC entry types say what the template holds.
 *
 * @param version e.g. "1.1", "1.2", "2.0"
 * @param creator e.g. "jigdo-file/0.8.0", "libjte-2.0.0", "JTE/1.19"; may be empty
 * @param comment the second line, without its line end
 * @param length bytes of the header, where the first part starts
 */
public record TemplateHeader(String version, String creator, String comment, int length) {}
