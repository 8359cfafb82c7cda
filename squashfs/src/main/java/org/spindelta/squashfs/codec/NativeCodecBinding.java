package org.spindelta.squashfs.codec;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * Binds a class's {@code native} methods to a system library by soname, once, for the native block
 * decoders. Unlike the encoders, which must have the system library (their output has to match
 * mksquashfs's byte for byte), a decoder only runs faster with it: when the library, a function or JNA
 * itself is missing, {@link #bind} returns false and {@link BlockDecompressor#forCompressor} keeps the
 * pure-Java decoder, which gives the same bytes.
 */
final class NativeCodecBinding {
    private NativeCodecBinding() {}

    /**
     * Registers every native method of {@code bindings} in {@code soname}; false if anything is missing.
     * The bindings pass size_t as long and pointers as 8 bytes, so only 64-bit JVMs qualify.
     */
    static boolean bind(Class<?> bindings, String soname) {
        try {
            if (Native.POINTER_SIZE != 8 || Native.SIZE_T_SIZE != 8) {
                return false;
            }
            Native.register(bindings, NativeLibrary.getInstance(soname));
            return true;
        } catch (LinkageError | RuntimeException e) {
            // no such library or function, or libjnidispatch cannot be loaded (e.g. a noexec temp directory)
            return false;
        }
    }
}
