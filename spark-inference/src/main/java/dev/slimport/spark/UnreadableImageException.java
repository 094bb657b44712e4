/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

/**
 * An input that cannot be turned into an image: not an image, corrupt, too large, or unreadable. Batch inference
 * reports its message in the output's {@code error} column instead of failing the job.
 */
public class UnreadableImageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An input described by {@code message}. */
    public UnreadableImageException(String message) {
        super(message);
    }

    /** An input that failed in {@code what} (e.g. "cannot read file"), with the cause's type and message. */
    public UnreadableImageException(String what, Exception cause) {
        super(
                what + ": " + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
                cause);
    }
}
