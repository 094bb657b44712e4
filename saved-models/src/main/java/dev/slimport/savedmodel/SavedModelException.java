/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

/**
 * A runtime failure of an export, a load, a verification or a checkpoint restore: what was read or written is not
 * what it must be (a corrupt or incompatible SavedModel, a checkpoint that does not match the model, a reload that
 * does not reproduce the exporting session, an I/O error). Arguments that are wrong by themselves (a path that does
 * not exist, an existing export target without {@code force}, an out-of-range number) are {@link
 * IllegalArgumentException}s instead, so a CLI can map the two to different exit codes.
 */
public class SavedModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public SavedModelException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public SavedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
