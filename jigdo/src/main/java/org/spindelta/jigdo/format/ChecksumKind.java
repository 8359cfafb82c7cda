package org.spindelta.jigdo.format;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The two checksum flavours of jigdo: MD5 (template format 1.x, DESC types 5 and 6) and SHA-256 (format
 * 2.0, types 8 and 9). A template uses one of them; neither jigdo-file nor libjte mixes them.
 */
public enum ChecksumKind {
    MD5("MD5", 16, "md5", "Template-MD5Sum", "MD5Sum"),
    SHA256("SHA-256", 32, "sha256", "Template-SHA256Sum", "SHA256Sum");

    private final String algorithm;
    private final int length;
    private final String label;
    private final String templateKey;
    private final String partLabel;

    ChecksumKind(String algorithm, int length, String label, String templateKey, String partLabel) {
        this.algorithm = algorithm;
        this.length = length;
        this.label = label;
        this.templateKey = templateKey;
        this.partLabel = partLabel;
    }

    /** Digest length in bytes: 16 or 32. */
    public int length() {
        return length;
    }

    /** "md5" or "sha256", as jigdo-file's {@code -C} option and list-template name them. */
    public String label() {
        return label;
    }

    /** The {@code [Image]} key holding the template's checksum in a {@code .jigdo} file. */
    public String templateKey() {
        return templateKey;
    }

    /** The pseudo label jigdo looks a part up under when {@code [Parts]} lacks it ({@code MD5Sum:<b64>}). */
    public String partLabel() {
        return partLabel;
    }

    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has " + algorithm, e);
        }
    }

    /** The kind whose {@link #label()} is {@code label}; for option parsing. */
    public static ChecksumKind ofLabel(String label) {
        for (ChecksumKind k : values()) {
            if (k.label.equalsIgnoreCase(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown checksum '" + label + "': expected md5 or sha256");
    }
}
