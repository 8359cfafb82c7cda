package org.spindelta.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.spindelta.jigdo.fetch.PartsProgress;

/** A progress bar on the terminal, one per phase; thread-safe because windows report concurrently. */
final class TerminalProgress implements PartsProgress, AutoCloseable {
    private ProgressBar bar;

    @Override
    public synchronized void start(String task, long total) {
        close();
        if (total <= 0) {
            return;
        }
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" MiB", 1 << 20)
                .setStyle(ProgressBarStyle.ASCII).showSpeed().setUpdateIntervalMillis(250).continuousUpdate().build();
    }

    @Override
    public synchronized void advance(long bytes) {
        if (bar != null) {
            bar.stepBy(bytes);
        }
    }

    /** jigdo get: "parts 12/40" beside the bytes and rate. */
    @Override
    public synchronized void parts(int done, int total) {
        if (bar != null) {
            bar.setExtraMessage(" parts " + done + "/" + total);
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
