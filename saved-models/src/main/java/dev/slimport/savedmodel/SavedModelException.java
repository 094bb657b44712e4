/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.util.function.Supplier;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TFUnimplementedException;
import org.tensorflow.exceptions.TensorFlowException;

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

    /**
     * Whether {@code e} is one of TensorFlow's errors; TF Java reports some of them as an {@link
     * IllegalArgumentException} or {@link UnsupportedOperationException}, though they are the file's or the native
     * runtime's fault, not the caller's argument.
     */
    static boolean fromTensorFlow(Throwable e) {
        return e instanceof TensorFlowException
                || e instanceof TFInvalidArgumentException
                || e instanceof TFUnimplementedException;
    }

    /** {@code call}'s value; a TensorFlow error becomes a {@link SavedModelException} {@code "what: its message"}. */
    static <T> T tensorFlow(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw fromTensorFlow(e) ? new SavedModelException(what + ": " + e.getMessage(), e) : e;
        }
    }
}
