package org.spindelta.jigdo.format;

/**
 * One entry of a template's DESC part, decoded (reference jigdo.md section 1.4).
 *
 * @param type what the entry is
 * @param imageOffset where its bytes start in the image; for image info, the image length (as
 *     {@code jigdo-file list-template} prints it)
 * @param length bytes of the image the entry stands for; for image info, the image length
 * @param rsync64 the {@link Rsync64Sum} of a matched file's first block, 8 bytes; null for unmatched
 *     bytes, image info and the obsolete type 3
 * @param checksum the MD5 or SHA-256 of the matched file or the whole image; null for unmatched bytes
 * @param blockLength the rsync block length of an image-info entry of type 5 or 8; -1 otherwise
 */
public record DescEntry(DescEntryType type, long imageOffset, long length, byte[] rsync64, byte[] checksum,
        int blockLength) {
    /** Past the entry's last image byte. */
    public long imageEnd() {
        return imageOffset + length;
    }
}
