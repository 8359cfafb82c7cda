package org.spindelta.squashfs.spin;

/** Bytes {@code [0, length)} of {@code bytes}: a piece of OLD or of the target, made on a pipeline's pool. */
record Piece(byte[] bytes, int length) {
}
