package org.spindelta.jigdo.template;

import java.util.List;

/**
 * An image decomposed into {@link ImagePiece}s: in order, each positive, together covering
 * {@code [0, imageLength)} with no gap or overlap. This is the plan a template is written from; it is
 * checked when made, so a template writer never sees an inconsistent one, and it can be printed.
 *
 * @param imageLength bytes of the image
 * @param pieces in image order
 */
public record ImageLayout(long imageLength, List<ImagePiece> pieces) {
    /** @throws IllegalArgumentException naming the first piece that leaves a gap, overlaps or is empty */
    public ImageLayout {
        pieces = List.copyOf(pieces);
        long at = 0;
        for (int i = 0; i < pieces.size(); i++) {
            ImagePiece p = pieces.get(i);
            if (p.offset() != at || p.length() <= 0) {
                throw new IllegalArgumentException("piece " + i + " " + p + " must start at " + at
                        + " and have a positive length");
            }
            at = p.end();
        }
        if (at != imageLength) {
            throw new IllegalArgumentException("pieces cover " + at + " bytes of a " + imageLength + "-byte image");
        }
    }

    /**
     * The layout with {@code matched} pieces at their offsets and the bytes between them unmatched.
     *
     * @param matched in image order, not overlapping, inside the image
     */
    public static ImageLayout of(long imageLength, List<ImagePiece.Matched> matched) {
        List<ImagePiece> all = new java.util.ArrayList<>();
        long at = 0;
        for (ImagePiece.Matched m : matched) {
            if (m.offset() > at) {
                all.add(new ImagePiece.Unmatched(at, m.offset() - at));
            }
            all.add(m);
            at = m.end();
        }
        if (at < imageLength) {
            all.add(new ImagePiece.Unmatched(at, imageLength - at));
        }
        return new ImageLayout(imageLength, all);
    }
}
