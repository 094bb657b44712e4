/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.engine;

/**
 * A bad option value found after TensorFlow work started (e.g. a device check that needs the native library):
 * reported like any usage error, exit code 2.
 */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A usage error naming the option and what is allowed. */
    public UsageException(String message) {
        super(message);
    }
}
