/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.engine;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One updating status line on stderr ({@code \r}, cleared when done) for the silent phases of a run — graph build,
 * session init, warm-up — with the phase's elapsed time refreshed four times a second. Enabled only for a terminal
 * and without {@code --quiet}; otherwise every method does nothing.
 */
public final class Progress implements AutoCloseable {
    private static final String CLEAR_LINE = "\r\u001b[K";

    private final PrintWriter err;
    private final boolean enabled;
    private final ScheduledExecutorService ticker;
    private volatile String text = "";
    private volatile long phaseStart = System.nanoTime();
    private boolean shown;

    private Progress(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
        if (enabled) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "resnet-bench-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::redraw, 250, 250, TimeUnit.MILLISECONDS);
        } else {
            ticker = null;
        }
    }

    /** A status line on {@code err} when {@code enabled}. */
    public static Progress create(PrintWriter err, boolean enabled) {
        return new Progress(err, enabled);
    }

    /** Whether the JVM runs in a terminal ({@link System#console()} is present: stdin and stdout are not redirected). */
    public static boolean interactive() {
        return System.console() != null;
    }

    /** Whether this progress line is shown. */
    public boolean enabled() {
        return enabled;
    }

    /** Starts a phase: the text is shown with the phase's elapsed time. */
    public void phase(String newText) {
        phaseStart = System.nanoTime();
        text = newText;
        redraw();
    }

    /** Changes the text of the current phase, keeping its start: the elapsed time shown goes on counting. */
    public void update(String newText) {
        text = newText;
        redraw();
    }

    /** Clears the line. */
    public synchronized void clear() {
        if (enabled && shown) {
            err.print(CLEAR_LINE);
            err.flush();
            shown = false;
        }
        text = "";
    }

    private synchronized void redraw() {
        if (!enabled || text.isEmpty()) {
            return;
        }
        double s = (System.nanoTime() - phaseStart) / 1e9;
        err.print(CLEAR_LINE + text + String.format(Locale.ROOT, " (%.1f s)", s));
        err.flush();
        shown = true;
    }

    /** Clears the line and stops the ticker. */
    @Override
    public void close() {
        clear();
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
