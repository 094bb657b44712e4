/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A cancellation token the caller of an export owns: {@link #cancel()} (from any thread, e.g. a Ctrl-C handler) makes
 * the export stop at its next step boundary with an {@link ExportInterruptedException}, its temporary directory
 * removed and nothing installed. TensorFlow's native calls themselves cannot be interrupted, so a step that is
 * writing or reloading a large model finishes first; {@link #cancelAndAwait} waits for that.
 *
 * <p>One token serves one export at a time; a cancelled token stays cancelled.
 */
public final class ExportCancellation {
    private volatile boolean cancelled;
    private boolean running;
    private Path temp;
    private Path createdRoot;

    /** Requests that the export stop at its next step boundary. */
    public void cancel() {
        cancelled = true;
    }

    /** Whether {@link #cancel()} was called. */
    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * Cancels and waits up to {@code timeout} for the running export (if any) to remove its files and return. If it is
     * still busy then (a native write or reload of a very large model), removes its temporary directory and the
     * directories it created itself.
     *
     * @return whether the export, if any, finished within {@code timeout}
     */
    public boolean cancelAndAwait(Duration timeout) {
        cancel();
        Path leftTemp;
        Path leftRoot;
        synchronized (this) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                for (long left; running && (left = (deadline - System.nanoTime()) / 1_000_000) > 0; ) {
                    wait(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!running) {
                return true;
            }
            leftTemp = temp;
            leftRoot = createdRoot;
        }
        SavedModelExporter.cleanup(leftTemp, leftRoot);
        return false;
    }

    /** Throws if the export is to stop: this token was cancelled or the exporting thread was interrupted. */
    void check(Path target, String when) {
        if (stopRequested()) {
            throw new ExportInterruptedException(target, when, null);
        }
    }

    boolean stopRequested() {
        return cancelled || Thread.currentThread().isInterrupted();
    }

    synchronized void started() {
        if (running) {
            throw new IllegalStateException("cancellation: this token already serves a running export");
        }
        running = true;
    }

    /** The files the export has on disk now (null: none), for {@link #cancelAndAwait} to remove after its timeout. */
    synchronized void files(Path temp, Path createdRoot) {
        this.temp = temp;
        this.createdRoot = createdRoot;
    }

    synchronized void finished() {
        running = false;
        files(null, null);
        notifyAll();
    }
}
