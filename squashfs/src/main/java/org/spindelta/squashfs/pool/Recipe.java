package org.spindelta.squashfs.pool;

import java.util.List;
import org.spindelta.core.Sha256;
import org.spindelta.squashfs.spin.ImageInfo;

/**
 * How to rebuild one image from the pool: its pieces in image order, the SquashFS images inside it (their
 * encoders), the packs that hold its chunks, and its length and SHA-256, against which every rebuild is
 * checked. Checked in the constructor: the pieces add up to the length, every recompressed piece names one
 * of the images.
 */
public record Recipe(String name, long length, byte[] sha256, List<ImageInfo> images, List<String> packs,
        List<Piece> pieces) {
    public Recipe {
        images = List.copyOf(images);
        packs = List.copyOf(packs);
        pieces = List.copyOf(pieces);
        if (sha256.length != Sha256.LENGTH) {
            throw new IllegalArgumentException("sha256 of " + sha256.length + " bytes");
        }
        long sum = 0;
        for (Piece p : pieces) {
            sum += p.imageLength();
            if (p instanceof Piece.Recompressed r && r.image() >= images.size()) {
                throw new IllegalArgumentException("piece names image " + r.image() + " of " + images.size());
            }
        }
        if (sum != length) {
            throw new IllegalArgumentException("pieces add up to " + sum + " bytes, the image has " + length);
        }
    }

    @Override
    public String toString() {
        long recompressed = pieces.stream().filter(p -> p instanceof Piece.Recompressed).count();
        return name + ": " + length + " bytes, sha256 " + Sha256.hex(sha256) + ", " + pieces.size() + " pieces ("
                + recompressed + " recompressed), " + images.size() + " SquashFS image(s), " + packs.size() + " pack(s)";
    }
}
