package org.spindelta.jigdo.template;

/**
 * One line of a {@code .jigdo} file's {@code [Parts]}: a part's checksum and where it is.
 *
 * @param checksum MD5 or SHA-256 of the part, the kind of its template
 * @param location {@code Label:path} or a URI
 */
public record PartLine(byte[] checksum, String location) {}
