package org.spindelta.core;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * Binds a class's {@code native} methods to a system library with JNA direct mapping, reporting why it
 * could not rather than throwing: the system's compression libraries are optional (a pure-Java path or a
 * clear refusal takes over), so a missing one must never surface as an {@link UnsatisfiedLinkError}.
 *
 * <p>Why catch every {@link LinkageError}: a failing {@code Native.register} in a static initializer
 * throws {@link UnsatisfiedLinkError} once and {@link NoClassDefFoundError} on every later use of the
 * class; JNA's own native part (libjnidispatch) may also fail to load, e.g. with a noexec temporary
 * directory. Sonames, not plain names: {@code "liblzma.so.5"} works without the -dev symlinks and always
 * picks the ABI the bindings were written for.
 */
public final class NativeBinding {
    private NativeBinding() {}

    /**
     * Loads {@code soname} and registers every native method of {@code bindings} in it.
     *
     * @return null when bound, else one line saying why not: the library missing, a function missing, a
     *     32-bit JVM (bindings pass size_t as long and pointers as 8 bytes), or JNA unable to load
     */
    public static String bind(Class<?> bindings, String soname) {
        try {
            if (Native.POINTER_SIZE != 8 || Native.SIZE_T_SIZE != 8) {
                return "the bindings to " + soname + " need a 64-bit JVM (pointers are " + Native.POINTER_SIZE
                        + " bytes here)";
            }
            NativeLibrary library;
            try {
                library = NativeLibrary.getInstance(soname);
            } catch (UnsatisfiedLinkError e) {
                return soname + " not found (" + firstLine(e) + ")";
            }
            try {
                Native.register(bindings, library);
            } catch (UnsatisfiedLinkError e) {
                return soname + " lacks a function the bindings need (" + firstLine(e) + ")";
            }
            return null;
        } catch (LinkageError | RuntimeException e) {
            return "JNA cannot load native code here (" + firstLine(e) + ")";
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }
}
