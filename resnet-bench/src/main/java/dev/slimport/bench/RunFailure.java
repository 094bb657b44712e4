/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

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
}
