package org.spindelta.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.spindelta.core.Progress;

/** A progress bar on the terminal, one per phase; thread-safe because windows report concurrently. */
final class TerminalProgress implements Progress, AutoCloseable {
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

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
