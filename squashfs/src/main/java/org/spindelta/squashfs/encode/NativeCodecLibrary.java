package org.spindelta.squashfs.encode;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import org.spindelta.core.UnsupportedFormatException;

/**
 * One system compression library, bound once by soname with JNA direct mapping, or the one-line
 * reason it could not be. Each binding class ({@link Liblzma}, {@link Libzstd}, ...) creates its
 * instance in its static initializer, so a library is loaded the first time an encoder for its codec
 * is asked for, and never when the image uses another codec.
 *
 * <p>Why catch here: a failing {@code Native.register} in a static initializer throws
 * {@link UnsatisfiedLinkError} once and {@link NoClassDefFoundError} on every later use of the class
 * (spike doc, "Traps: Library absent"). Catching every {@link LinkageError} and runtime failure while
 * binding keeps the class usable; {@link #require} then reports the reason as a checked
 * {@link UnsupportedFormatException}.
 *
 * <p>Sonames, not plain names: {@code NativeLibrary.getInstance("liblzma.so.5")} works without the
 * -dev symlinks and always picks the ABI the bindings were written for.
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
        try {
            return bind(bindings, soname);
        } catch (LinkageError | RuntimeException e) {
            // JNA's own native part (libjnidispatch) failed to load, e.g. no usable temporary directory
            return new NativeCodecLibrary(soname, "JNA cannot load native code here (" + firstLine(e) + ")");
        }
    }

    private static NativeCodecLibrary bind(Class<?> bindings, String soname) {
        if (Native.POINTER_SIZE != 8 || Native.SIZE_T_SIZE != 8) {
            // the bindings pass size_t as long and read size_t results as 8 bytes
            return new NativeCodecLibrary(soname, "the bindings to " + soname + " need a 64-bit JVM (pointers are "
                    + Native.POINTER_SIZE + " bytes here)");
        }
        NativeLibrary library;
        try {
            library = NativeLibrary.getInstance(soname);
        } catch (UnsatisfiedLinkError e) {
            return new NativeCodecLibrary(soname, soname + " not found (" + firstLine(e) + ")");
        }
        try {
            Native.register(bindings, library);
        } catch (UnsatisfiedLinkError e) {
            return new NativeCodecLibrary(soname, soname + " lacks a function the encoder needs (" + firstLine(e)
                    + ")");
        }
        return new NativeCodecLibrary(soname, null);
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
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
