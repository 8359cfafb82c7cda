package org.spindelta.cli;

import com.sun.jna.NativeLibrary;

/**
 * Loads JNA on a second thread while picocli builds the command line on the first. Almost every command
 * reaches native code (libc for extraction, the system's compression libraries), and JNA's first use
 * costs about 0.15 s of one core: unpacking and loading its dispatch library and asking ldconfig for the
 * library path. picocli's model takes longer than that and runs alone, so the two overlap and a short
 * command ends that much sooner; a command that never uses JNA loses nothing but a daemon thread's CPU.
 */
final class NativeWarmup {
    private NativeWarmup() {}

    static void start() {
        Thread t = new Thread(NativeWarmup::load, "spindelta-native-warmup");
        t.setDaemon(true);
        t.start();
    }

    private static void load() {
        try {
            NativeLibrary.getInstance("c");
        } catch (Throwable e) {
            // nothing to warm: the command that needs JNA reports why it cannot load, in its own words
        }
    }
}
