package org.spindelta.squashfs.encode;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Names the zlib behind {@link java.util.zip.Deflater}. The JDK does not say which zlib it uses:
 * Debian's OpenJDK links the system libz.so.1 into its libzip, other builds (Temurin) compile a
 * bundled copy in. Looking up {@code zlibVersion} through the handle of the JVM's own libzip finds
 * whichever of the two libzip uses (dlsym on a handle searches the library and its dependencies); when
 * the bundled copy does not export it, the JVM's version names it instead.
 */
final class JdkZlib {
    /** The zlib version string ("1.2.13"), or "java-" and the runtime version when it cannot be read. */
    static final String VERSION = probe();

    private JdkZlib() {}

    private static String probe() {
        try {
            Path libzip = Path.of(System.getProperty("java.home"), "lib", System.mapLibraryName("zip"));
            if (Files.isRegularFile(libzip)) {
                Function f = NativeLibrary.getInstance(libzip.toString()).getFunction("zlibVersion");
                String v = f.invokeString(new Object[0], false);
                if (v != null && !v.isBlank()) {
                    return NativeCodecLibrary.versionToken(v);
                }
            }
        } catch (LinkageError | RuntimeException e) {
            // not exported, or JNA unusable: fall through to naming the JVM
        }
        return NativeCodecLibrary.versionToken("java-" + Runtime.version());
    }
}
