package org.spindelta.squashfs.encode;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.spindelta.core.Sha256;

/**
 * One block of a target image that an applier's encoder must reproduce before it is trusted: the
 * decoded bytes, and what mksquashfs stored for them (the compressed length and SHA-256 of the
 * compressed bytes, or "stored raw").
 *
 * @param role the block's stream (data/fragment or metadata)
 * @param decoded the block's decoded bytes, 1..capacity of {@code role}
 * @param storedLength the compressed length, 1..decoded.length - 1; 0 when mksquashfs stored the block
 *     raw (then the encoder must also return 0)
 * @param storedSha256 SHA-256 of the compressed bytes (32 bytes); empty when {@code storedLength} is 0
 */
public record EncoderSample(BlockRole role, byte[] decoded, int storedLength, byte[] storedSha256) {
    /**
     * @throws IllegalArgumentException if the lengths disagree as described on the components
     */
    public EncoderSample {
        Objects.requireNonNull(role, "role");
        decoded = decoded.clone();
        storedSha256 = storedSha256.clone();
        if (decoded.length == 0) {
            throw new IllegalArgumentException("an encoder sample needs at least 1 decoded byte");
        }
        if (storedLength < 0 || storedLength >= decoded.length) {
            throw new IllegalArgumentException("encoder sample stored length " + storedLength + " outside [0, "
                    + (decoded.length - 1) + "] (0 = stored raw; a compressed block is shorter than its "
                    + decoded.length + " decoded bytes)");
        }
        int hashLength = storedLength == 0 ? 0 : Sha256.LENGTH;
        if (storedSha256.length != hashLength) {
            throw new IllegalArgumentException("encoder sample hash of " + storedSha256.length + " bytes; expected "
                    + hashLength + (storedLength == 0 ? " for a block stored raw" : " (SHA-256)"));
        }
    }

    /** A block mksquashfs stored compressed as {@code stored}. */
    public static EncoderSample compressed(BlockRole role, byte[] decoded, byte[] stored) {
        return new EncoderSample(role, decoded, stored.length, Sha256.of(stored, 0, stored.length));
    }

    /** A block mksquashfs stored raw: the encoder must say so (return 0). */
    public static EncoderSample storedRaw(BlockRole role, byte[] decoded) {
        return new EncoderSample(role, decoded, 0, new byte[0]);
    }

    @Override
    public byte[] decoded() {
        return decoded.clone();
    }

    @Override
    public byte[] storedSha256() {
        return storedSha256.clone();
    }

    /** "data block of 131072 bytes stored as 45104 bytes (sha256 ab12...)". */
    public String describe() {
        return role.name().toLowerCase(Locale.ROOT) + " block of " + decoded.length + " bytes "
                + (storedLength == 0 ? "stored raw" : "stored as " + storedLength + " bytes (sha256 "
                        + Sha256.hex(storedSha256) + ")");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncoderSample s && role == s.role && storedLength == s.storedLength
                && Arrays.equals(decoded, s.decoded) && Arrays.equals(storedSha256, s.storedSha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(role, storedLength, Arrays.hashCode(decoded), Arrays.hashCode(storedSha256));
    }

    @Override
    public String toString() {
        return describe();
    }
}
