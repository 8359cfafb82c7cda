package org.spindelta.squashfs.spin;

import java.security.MessageDigest;
import org.spindelta.core.LittleEndian;
import org.spindelta.core.Sha256;

/**
 * Identifies stored bytes by length and the first 128 bits of their SHA-256: two chunks with the same
 * key hold the same bytes (a collision would need 2^64 work; the whole-target SHA-256 check would still
 * catch one).
 */
record ChunkKey(long length, long hashHigh, long hashLow) {
    static ChunkKey of(byte[] b, int off, int len, MessageDigest md) {
        md.reset();
        md.update(b, off, len);
        byte[] h = md.digest();
        return new ChunkKey(len, LittleEndian.getLong(h, 0), LittleEndian.getLong(h, 8));
    }

    static MessageDigest digest() {
        return Sha256.newDigest();
    }
}
