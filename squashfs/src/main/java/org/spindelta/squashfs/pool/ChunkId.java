package org.spindelta.squashfs.pool;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import org.spindelta.core.LittleEndian;
import org.spindelta.core.Sha256;

/**
 * A chunk's name in the pool: the SHA-256 of its content as the pool stores it (a block's decoded bytes
 * when it is recompressed, else its stored bytes). Held as four longs so a million of them stay small.
 */
public record ChunkId(long a, long b, long c, long d) {
    public static ChunkId of(byte[] content, int off, int len) {
        MessageDigest md = Sha256.newDigest();
        md.update(content, off, len);
        return fromBytes(md.digest(), 0);
    }

    public static ChunkId fromBytes(byte[] sha, int off) {
        return new ChunkId(LittleEndian.getLong(sha, off), LittleEndian.getLong(sha, off + 8),
                LittleEndian.getLong(sha, off + 16), LittleEndian.getLong(sha, off + 24));
    }

    static ChunkId read(ByteBuffer in) {
        byte[] b = new byte[Sha256.LENGTH];
        in.get(b);
        return fromBytes(b, 0);
    }

    public byte[] toBytes() {
        byte[] out = new byte[Sha256.LENGTH];
        LittleEndian.putLong(out, 0, a);
        LittleEndian.putLong(out, 8, b);
        LittleEndian.putLong(out, 16, c);
        LittleEndian.putLong(out, 24, d);
        return out;
    }

    public String hex() {
        return Sha256.hex(toBytes());
    }

    @Override
    public String toString() {
        return hex().substring(0, 16);
    }
}
