package org.spindelta.bsdiff.apply;

import org.spindelta.bsdiff.format.PatchFormat;

/**
 * What an apply produced and how it was verified.
 *
 * @param format the detected patch format
 * @param newSize bytes written
 * @param newSha256 SHA-256 of the result
 * @param checksumVerified true when the patch carried a SHA-256 of NEW (and of OLD) and both matched;
 *     false for foreign patches, which were checked only for sizes and their streams' own CRCs
 */
public record ApplyResult(PatchFormat format, long newSize, byte[] newSha256, boolean checksumVerified) {}
