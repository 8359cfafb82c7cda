package org.spindelta.squashfs.encode;

import org.spindelta.core.NativeBinding;
import org.spindelta.core.UnsupportedFormatException;

/**
 * One system compression library, bound once by soname with JNA direct mapping, or the one-line
 * reason it could not be. Each binding class ({@link Liblzma}, {@link Libzstd}, ...) creates its
 * instance in its static initializer, so a library is loaded the first time an encoder for its codec
 * is asked for, and never when the image uses another codec.
 *
 * <p>Binding itself, and why it never throws, is {@link NativeBinding}'s.
 */
final class NativeCodecLibrary {
    private final String soname;
    private final String failure;

    private NativeCodecLibrary(String soname, String failure) {
        this.soname = soname;
        this.failure = failure;
    }

    /**
     * Loads {@code soname} and binds every {@code native} method of {@code bindings} to it. Never
     * throws: a missing library, a missing symbol, or JNA itself missing becomes the failure that
     * {@link #require} reports.
     */
    static NativeCodecLibrary register(Class<?> bindings, String soname) {
        return new NativeCodecLibrary(soname, NativeBinding.bind(bindings, soname));
    }

    /** The soname this binds, e.g. "liblzma.so.5". */
    String soname() {
        return soname;
    }

    /** Whether the library and every function of the bindings were found. */
    boolean available() {
        return failure == null;
    }

    /** Why the library cannot be used, or null when it can. */
    String failure() {
        return failure;
    }

    /**
     * Checks the library is usable before a binding method is called.
     *
     * @param codec the codec asking, for the message: "xz", "lzma", ...
     * @throws UnsupportedFormatException "xz blocks cannot be recompressed here: liblzma.so.5 not found (...)"
     */
    void require(String codec) throws UnsupportedFormatException {
        if (failure != null) {
            throw new UnsupportedFormatException(codec + " blocks cannot be recompressed here: " + failure);
        }
    }

    /**
     * A library version string as an {@link EncoderIdentity} token: characters outside the token set
     * become '_', an empty or null string becomes "unknown".
     */
    static String versionToken(String version) {
        if (version == null || version.isBlank()) {
            return "unknown";
        }
        StringBuilder b = new StringBuilder(version.length());
        for (char c : version.strip().toCharArray()) {
            b.append(EncoderIdentity.isTokenChar(c) ? c : '_');
        }
        return b.toString();
    }
}
