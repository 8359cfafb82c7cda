package org.spindelta.squashfs.spin;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.UnsupportedFormatException;
import org.spindelta.squashfs.format.Compressor;

/**
 * The plan section of a spin patch, decoded (docs/formats/spin.md §3): unsigned LEB128 varints, byte
 * strings as a varint length then the bytes. Decoding checks every count against the bytes left and
 * every offset and length against BASE, the target and the images, so a hostile plan fails with a
 * CorruptInputException naming the field before anything is allocated from it or written.
 */
final class SpinPlanCodec {
    static final int COPY = 0;
    static final int LITERAL = 1;
    static final int RECOMPRESS = 2;
    static final int BASE_BYTES = 0;
    static final int DECODED_BLOCK = 1;
    /** Largest block a plan may name: 1 MiB data blocks; metadata blocks are at most 8 KiB. */
    static final int MAX_BLOCK = 1 << 20;
    /** Longest encoder identity string accepted. */
    static final int MAX_IDENTITY = 4096;
    /** Longest contributor path accepted (Linux's PATH_MAX). */
    static final int MAX_PATH = 4096;
    /** Most bytes the samples may take together. */
    static final int MAX_SAMPLE_BYTES = 4 << 20;

    private SpinPlanCodec() {}

    static byte[] encode(SpinPlan p) {
        Out o = new Out();
        images(o, p.baseImages());
        images(o, p.targetImages());
        o.varint(p.samples().size());
        for (Sample s : p.samples()) {
            o.varint(s.image());
            o.varint(s.metadata() ? 1 : 0);
            o.bytes(s.decoded());
            o.raw(s.storedSha256());
        }
        o.varint(p.sources().size());
        for (Source s : p.sources()) {
            if (s instanceof Source.BaseBytes b) {
                o.varint(BASE_BYTES);
                o.varint(b.offset());
                o.varint(b.length());
            } else if (s instanceof Source.DecodedBlock d) {
                o.varint(DECODED_BLOCK);
                o.varint(d.image());
                o.varint(d.offset());
                o.varint(d.storedLength());
                o.varint(d.metadata() ? 1 : 0);
                o.varint(d.decodedLength());
            }
        }
        o.varint(p.ops().size());
        long lastCopyEnd = 0;
        for (Op op : p.ops()) {
            if (op instanceof Op.Copy c) {
                o.varint(COPY);
                o.varint(zigzag(c.baseOffset() - lastCopyEnd));
                o.varint(c.length());
                lastCopyEnd = c.baseOffset() + c.length();
            } else if (op instanceof Op.Literal l) {
                o.varint(LITERAL);
                o.varint(l.length());
            } else if (op instanceof Op.Recompress r) {
                o.varint(RECOMPRESS);
                o.varint(r.image());
                o.varint(r.metadata() ? 1 : 0);
                o.varint(r.decodedLength());
                o.varint(r.storedLength());
                o.raw(new byte[] {(byte) r.crc32(), (byte) (r.crc32() >> 8), (byte) (r.crc32() >> 16),
                    (byte) (r.crc32() >> 24)});
            }
        }
        o.varint(p.contributors().size());
        for (Contributor c : p.contributors()) {
            o.bytes(c.path().getBytes(StandardCharsets.UTF_8));
            o.varint(c.copied());
            o.varint(c.diffed());
            o.varint(c.recompressed());
            o.varint(c.literal());
        }
        return o.toByteArray();
    }

    private static void images(Out o, List<ImageInfo> images) {
        o.varint(images.size());
        for (ImageInfo i : images) {
            o.varint(i.offset());
            o.varint(i.length());
            o.varint(i.compressor().id());
            o.varint(i.blockSize());
            o.bytes(i.options());
            o.bytes(i.encoder().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Decodes and checks a plan for BASE and target of the header's sizes.
     *
     * @throws CorruptInputException naming the first field that is malformed or out of range
     */
    static SpinPlan decode(byte[] b, long baseLength, byte[] baseSha, long targetLength, byte[] targetSha)
            throws CorruptInputException, UnsupportedFormatException {
        In in = new In(b);
        List<ImageInfo> base = images(in, "base", baseLength);
        List<ImageInfo> target = images(in, "target", targetLength);
        int samples = in.count("samples");
        List<Sample> sampleList = new ArrayList<>(samples);
        long sampleBytes = 0;
        for (int i = 0; i < samples; i++) {
            int image = in.index("sample " + i + " image", target.size());
            boolean metadata = in.flag("sample " + i + " kind");
            byte[] decoded = in.bytes("sample " + i + " bytes", MAX_BLOCK);
            sampleBytes += decoded.length;
            if (sampleBytes > MAX_SAMPLE_BYTES) {
                throw new CorruptInputException("spin patch plan: samples take over " + MAX_SAMPLE_BYTES + " bytes");
            }
            sampleList.add(new Sample(image, metadata, decoded, in.raw(32, "sample " + i + " SHA-256")));
        }
        int sources = in.count("sources");
        List<Source> sourceList = new ArrayList<>(sources);
        for (int i = 0; i < sources; i++) {
            String what = "source " + i;
            int tag = (int) in.varint(what + " kind");
            if (tag == BASE_BYTES) {
                long off = in.varint(what + " offset");
                long len = in.varint(what + " length");
                in.require(off <= baseLength && len <= baseLength - off, what + ": bytes [" + off + ", +" + len
                        + ") outside BASE (" + baseLength + " bytes)");
                sourceList.add(new Source.BaseBytes(off, len));
            } else if (tag == DECODED_BLOCK) {
                int image = in.index(what + " image", base.size());
                ImageInfo bi = base.get(image);
                long off = in.varint(what + " offset");
                long stored = in.varint(what + " stored length");
                boolean metadata = in.flag(what + " kind");
                long decoded = in.varint(what + " decoded length");
                in.require(off >= bi.offset() && stored >= 1 && stored <= MAX_BLOCK + 2
                        && off - bi.offset() <= bi.length() - stored, what + ": block [" + off + ", +" + stored
                        + ") outside base image " + image);
                in.require(decoded >= 1 && decoded <= MAX_BLOCK, what + ": decoded length " + decoded);
                sourceList.add(new Source.DecodedBlock(image, off, (int) stored, metadata, (int) decoded));
            } else {
                throw new CorruptInputException("spin patch plan: " + what + " has unknown kind " + tag);
            }
        }
        int ops = in.count("ops");
        List<Op> opList = new ArrayList<>(ops);
        long lastCopyEnd = 0;
        long produced = 0;
        for (int i = 0; i < ops; i++) {
            String what = "op " + i;
            int tag = (int) in.varint(what + " kind");
            Op op;
            if (tag == COPY) {
                long off = lastCopyEnd + unzigzag(in.varint(what + " offset"));
                long len = in.varint(what + " length");
                in.require(off >= 0 && off <= baseLength && len <= baseLength - off, what + ": copy of [" + off
                        + ", +" + len + ") outside BASE (" + baseLength + " bytes)");
                lastCopyEnd = off + len;
                op = new Op.Copy(off, len);
            } else if (tag == LITERAL) {
                op = new Op.Literal(in.varint(what + " length"));
            } else if (tag == RECOMPRESS) {
                int image = in.index(what + " image", target.size());
                boolean metadata = in.flag(what + " kind");
                long decoded = in.varint(what + " decoded length");
                long stored = in.varint(what + " stored length");
                int max = metadata ? 8192 : target.get(image).blockSize();
                in.require(decoded >= 1 && decoded <= max && stored >= 1 && stored < decoded, what
                        + ": block of " + decoded + " bytes stored in " + stored + " (at most " + max
                        + ", stored smaller)");
                byte[] crc = in.raw(4, what + " CRC32");
                op = new Op.Recompress(image, metadata, (int) decoded, (int) stored, (crc[0] & 0xFF)
                        | (crc[1] & 0xFF) << 8 | (crc[2] & 0xFF) << 16 | (crc[3] & 0xFF) << 24);
            } else {
                throw new CorruptInputException("spin patch plan: " + what + " has unknown kind " + tag);
            }
            produced += op.targetLength();
            in.require(produced <= targetLength, what + ": the ops produce more than the target's " + targetLength
                    + " bytes");
            opList.add(op);
        }
        in.require(produced == targetLength, "the ops produce " + produced + " bytes, the target has " + targetLength);
        // contributors: for explain only; each count bounded by what the target and the content can hold
        int contributors = in.count("contributors");
        List<Contributor> contributorList = new ArrayList<>(contributors);
        long newLength = opList.stream().mapToLong(Op::newLength).sum();
        for (int i = 0; i < contributors; i++) {
            String what = "contributor " + i;
            String path = new String(in.bytes(what + " path", MAX_PATH), StandardCharsets.UTF_8);
            long copied = in.varint(what + " copied");
            long diffed = in.varint(what + " diffed");
            long recompressed = in.varint(what + " recompressed");
            long literal = in.varint(what + " literal");
            in.require(copied <= targetLength && recompressed <= targetLength && literal <= targetLength
                    && diffed <= newLength, what + ": byte counts beyond the target's or the content's length");
            contributorList.add(new Contributor(path, copied, diffed, recompressed, literal));
        }
        in.requireEnd();
        return new SpinPlan(baseLength, baseSha, targetLength, targetSha, base, target, sampleList, sourceList, opList,
                contributorList);
    }

    private static List<ImageInfo> images(In in, String which, long fileLength)
            throws CorruptInputException, UnsupportedFormatException {
        int n = in.count(which + " images");
        List<ImageInfo> out = new ArrayList<>(n);
        long end = 0;
        for (int i = 0; i < n; i++) {
            String what = which + " image " + i;
            long off = in.varint(what + " offset");
            long len = in.varint(what + " length");
            in.require(off >= end && off <= fileLength && len <= fileLength - off, what + ": [" + off + ", +" + len
                    + ") outside the file (" + fileLength + " bytes) or overlapping the previous image");
            end = off + len;
            long id = in.varint(what + " compressor");
            Compressor c = Compressor.fromId((int) Math.min(id, Integer.MAX_VALUE), 0);
            long bs = in.varint(what + " block size");
            in.require(bs >= 4096 && bs <= MAX_BLOCK && Long.bitCount(bs) == 1, what + ": block size " + bs);
            byte[] options = in.bytes(what + " options", 64);
            String encoder = new String(in.bytes(what + " encoder", MAX_IDENTITY), StandardCharsets.UTF_8);
            out.add(new ImageInfo(off, len, c, (int) bs, options, encoder));
        }
        return out;
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    /** Writes varints and byte strings. */
    private static final class Out extends ByteArrayOutputStream {
        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            write((int) v);
        }

        void bytes(byte[] b) {
            varint(b.length);
            writeBytes(b);
        }

        void raw(byte[] b) {
            writeBytes(b);
        }
    }

    /** Reads what {@link Out} writes, refusing anything past the end or out of range. */
    private static final class In {
        private final byte[] b;
        private int pos;

        In(byte[] b) {
            this.b = b;
        }

        long varint(String what) throws CorruptInputException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                require(pos < b.length, what + ": the plan ends inside a number");
                int x = b[pos++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    require(v >= 0, what + ": value over 2^63");
                    return v;
                }
            }
            throw new CorruptInputException("spin patch plan: " + what + ": a number longer than 10 bytes");
        }

        /** A count of items each taking at least one byte: bounded by the bytes left. */
        int count(String what) throws CorruptInputException {
            long n = varint(what + " count");
            require(n <= b.length - pos, what + " count " + n + " exceeds the " + (b.length - pos) + " bytes left");
            return (int) n;
        }

        int index(String what, int size) throws CorruptInputException {
            long v = varint(what);
            require(v < size, what + " " + v + " outside [0, " + size + ")");
            return (int) v;
        }

        boolean flag(String what) throws CorruptInputException {
            long v = varint(what);
            require(v <= 1, what + " " + v + " is neither 0 nor 1");
            return v == 1;
        }

        byte[] bytes(String what, int max) throws CorruptInputException {
            long n = varint(what + " length");
            require(n <= max && n <= b.length - pos, what + ": length " + n + " outside [0, " + Math.min(max,
                    b.length - pos) + "]");
            return raw((int) n, what);
        }

        byte[] raw(int n, String what) throws CorruptInputException {
            require(n <= b.length - pos, what + ": the plan ends early");
            byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        void require(boolean ok, String message) throws CorruptInputException {
            if (!ok) {
                throw new CorruptInputException("spin patch plan: " + message);
            }
        }

        void requireEnd() throws CorruptInputException {
            require(pos == b.length, (b.length - pos) + " bytes follow the last contributor");
        }
    }
}
