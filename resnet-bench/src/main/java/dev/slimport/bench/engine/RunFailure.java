/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.engine;

/** A runtime failure with a message meant for the user (exit code 1), e.g. a batch that does not fit in memory. */
public final class RunFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure with a one-line message. */
    public RunFailure(String message) {
        super(message);
    }

    /** A failure with a one-line message and its cause (shown with --verbose). */
    public RunFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** The first line of {@code s}, trimmed (empty for null): how a message shows in a one-line error. */
    public static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
