package org.spindelta.bsdiff.format;

import org.spindelta.core.CorruptInputException;

/**
 * bsdiff's 8-byte integers: magnitude little-endian in 63 bits, sign in bit 7 of byte 7
 * ({@code offtout}/{@code offtin} in bsdiff.c). Not two's complement.
 */
public final class SignMagnitude {
    private static final long SIGN_BIT = 0x8000_0000_0000_0000L;

    private SignMagnitude() {}

    public static void encode(long value, byte[] buf, int off) {
        if (value == Long.MIN_VALUE) {
            throw new IllegalArgumentException("Long.MIN_VALUE has no sign-magnitude form");
        }
        long v = value < 0 ? (-value) | SIGN_BIT : value;
        for (int i = 0; i < 8; i++) {
            buf[off + i] = (byte) (v >>> (8 * i));
        }
    }

    /**
     * Decodes one value; rejects "negative zero", which no writer produces and hardened bspatches
     * (CVE-2014-9862 fixes, archive-patcher) refuse.
     *
     * @param what names the field for the error message
     */
    public static long decode(byte[] buf, int off, String what) throws CorruptInputException {
        long raw = 0;
        for (int i = 0; i < 8; i++) {
            raw |= (buf[off + i] & 0xFFL) << (8 * i);
        }
        long magnitude = raw & ~SIGN_BIT;
        if ((raw & SIGN_BIT) != 0) {
            if (magnitude == 0) {
                throw new CorruptInputException(what + " is a negative zero");
            }
            return -magnitude;
        }
        return magnitude;
    }
}
