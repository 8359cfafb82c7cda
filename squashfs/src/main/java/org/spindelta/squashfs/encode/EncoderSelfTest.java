package org.spindelta.squashfs.encode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.spindelta.core.Sha256;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.UnsupportedFormatException;

/**
 * Checks, before anything is written, that this machine's encoder reproduces blocks a patch says the
 * target image holds: an applier runs it on the samples the patch carries and stops with one clear line
 * when it fails. The check is the output, not the library version: an identity that differs (another
 * build of the same library) is reported but only decides when the samples do not reproduce.
 *
 * @param identity the encoder used here
 * @param expected the identity the patch recorded, if any
 * @param samples how many samples were checked
 * @param mismatches one line per sample that did not reproduce, in sample order
 */
public record EncoderSelfTest(EncoderIdentity identity, Optional<EncoderIdentity> expected, int samples,
        List<String> mismatches) {
    public EncoderSelfTest {
        mismatches = List.copyOf(mismatches);
    }

    /**
     * Encodes every sample with a new encoder from {@code factory} and compares.
     *
     * @param expected the identity recorded with the samples (by the patch maker), or null
     * @throws UnsupportedFormatException if this machine cannot make the encoder's calls at all (library
     *     missing; the message says which)
     * @throws SpindeltaException if the library fails outright on a sample
     */
    public static EncoderSelfTest run(BlockEncoderFactory factory, EncoderIdentity expected,
            List<EncoderSample> samples) throws SpindeltaException {
        List<String> mismatches = new ArrayList<>();
        EncoderIdentity identity;
        try (BlockEncoder encoder = factory.newEncoder()) {
            identity = encoder.identity();
            int largest = samples.stream().mapToInt(s -> s.decoded().length).max().orElse(0);
            byte[] out = new byte[largest];
            for (int i = 0; i < samples.size(); i++) {
                EncoderSample s = samples.get(i);
                byte[] decoded = s.decoded();
                if (decoded.length > s.role().capacity(factory.blockSize())) {
                    mismatches.add("sample " + (i + 1) + ": " + s.describe() + " is larger than a "
                            + s.role().name().toLowerCase(Locale.ROOT) + " block of this image can be");
                    continue;
                }
                int n = encoder.encode(decoded, 0, decoded.length, out, s.role());
                if (n != s.storedLength()) {
                    mismatches.add("sample " + (i + 1) + ": " + s.describe() + " encodes "
                            + (n == 0 ? "to \"store raw\"" : "to " + n + " bytes") + " here");
                } else if (n > 0) {
                    byte[] h = Sha256.of(out, 0, n);
                    if (!Sha256.equal(h, s.storedSha256())) {
                        mismatches.add("sample " + (i + 1) + ": " + s.describe() + " encodes to other bytes of the "
                                + "same length here (sha256 " + Sha256.hex(h) + ")");
                    }
                }
            }
        }
        return new EncoderSelfTest(identity, Optional.ofNullable(expected), samples.size(), mismatches);
    }

    /** Whether every sample reproduced. */
    public boolean reproduces() {
        return mismatches.isEmpty();
    }

    /** How the recorded identity differs from this machine's; empty when equal or none was recorded. */
    public List<String> identityDifferences() {
        return expected.map(identity::differences).orElse(List.of());
    }

    /**
     * Passes when every sample reproduced; otherwise throws the one-line reason, naming the first
     * mismatch, how many there were, and how the encoder identities differ.
     *
     * @throws UnsupportedFormatException "this machine cannot reproduce the xz blocks: 2 of 3 samples
     *     differ; first: ...; encoder here xz with liblzma.so.5 5.4.1 (...), patch made with version 5.2.5"
     */
    public void requireReproduces() throws UnsupportedFormatException {
        if (reproduces()) {
            return;
        }
        StringBuilder b = new StringBuilder("this machine cannot reproduce the ").append(identity.codec())
                .append(" blocks: ").append(mismatches.size()).append(" of ").append(samples)
                .append(" samples differ; first: ").append(mismatches.get(0)).append("; encoder here: ")
                .append(identity);
        List<String> d = identityDifferences();
        if (!d.isEmpty()) {
            b.append("; the patch's encoder differs: ").append(String.join(", ", d));
        }
        throw new UnsupportedFormatException(b.toString());
    }
}
