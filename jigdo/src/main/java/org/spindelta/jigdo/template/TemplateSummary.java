package org.spindelta.jigdo.template;

import org.spindelta.jigdo.format.ChecksumKind;

/**
 * What {@link TemplateWriter#finish} wrote: the template's own size and checksums (for the
 * {@code .jigdo} file's {@code Template-MD5Sum}/{@code Template-SHA256Sum}) and the image it describes.
 *
 * @param templateLength bytes written
 * @param templateMd5 MD5 of the template file
 * @param templateSha256 SHA-256 of the template file
 * @param checksum the kind the template uses
 * @param imageLength bytes of the image
 * @param imageChecksum the image's checksum of kind {@code checksum}
 * @param matchedEntries DESC entries for matched files
 * @param unmatchedBytes image bytes stored in DATA parts
 */
public record TemplateSummary(long templateLength, byte[] templateMd5, byte[] templateSha256, ChecksumKind checksum,
        long imageLength, byte[] imageChecksum, int matchedEntries, long unmatchedBytes) {
    /** The template checksum a .jigdo of this kind records. */
    public byte[] templateChecksum() {
        return checksum == ChecksumKind.MD5 ? templateMd5 : templateSha256;
    }
}
