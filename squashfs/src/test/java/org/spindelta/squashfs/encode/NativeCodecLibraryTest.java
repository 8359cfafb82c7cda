package org.spindelta.squashfs.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.spindelta.core.UnsupportedFormatException;

/**
 * Loading a codec's library: a missing library or function becomes one line through the same code
 * path the real bindings use, never an UnsatisfiedLinkError or NoClassDefFoundError.
 */
class NativeCodecLibraryTest {
    /** Bindings to a soname no system has. */
    static final class MissingLibrary {
        static native String lzma_version_string();
    }

    /** Bindings to a function libz.so.1 does not have. */
    static final class MissingFunction {
        static native int spindelta_no_such_function(int x);
    }

    @Test
    void aMissingLibraryIsReportedInOneLine() {
        NativeCodecLibrary lib = NativeCodecLibrary.register(MissingLibrary.class, "liblzma.so.99");
        assertFalse(lib.available());
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> lib.require("xz"));
        assertTrue(e.getMessage().startsWith("xz blocks cannot be recompressed here: liblzma.so.99 not found ("),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        // the class stays usable: asking again gives the same answer, not NoClassDefFoundError
        assertThrows(UnsupportedFormatException.class, () -> lib.require("lzma"));
        // and its unbound native method fails as Java's own unlinked native would, not with a JNA crash
        assertThrows(UnsatisfiedLinkError.class, MissingLibrary::lzma_version_string);
    }

    @Test
    void aMissingFunctionIsReportedInOneLine() {
        NativeCodecLibrary lib = NativeCodecLibrary.register(MissingFunction.class, Libz.SONAME);
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> lib.require("gzip"));
        assertTrue(e.getMessage().startsWith("gzip blocks cannot be recompressed here: libz.so.1 lacks a function "
                + "the bindings need ("), e.getMessage());
        assertTrue(e.getMessage().contains("spindelta_no_such_function"), e.getMessage());
    }

    static List<NativeCodecLibrary> systemLibraries() {
        return List.of(Liblzma.LIBRARY, Libzstd.LIBRARY, Liblz4.LIBRARY, Liblzo2.LIBRARY, Libz.LIBRARY);
    }

    /** This machine has all five (Debian: liblzma5, libzstd1, liblz4-1, liblzo2-2, zlib1g; squashfs-tools needs them). */
    @ParameterizedTest
    @MethodSource("systemLibraries")
    void theSystemLibrariesLoad(NativeCodecLibrary lib) throws UnsupportedFormatException {
        assertTrue(lib.available(), lib.failure());
        lib.require("any");
    }

    @Test
    void versionTokensKeepOnlyTokenCharacters() {
        assertEquals("1.2.13", NativeCodecLibrary.versionToken("1.2.13"));
        assertEquals("1.3.1.zlib-ng_2.1", NativeCodecLibrary.versionToken(" 1.3.1.zlib-ng 2.1\n"));
        assertEquals("unknown", NativeCodecLibrary.versionToken(null));
        assertEquals("unknown", NativeCodecLibrary.versionToken(" "));
    }
}
