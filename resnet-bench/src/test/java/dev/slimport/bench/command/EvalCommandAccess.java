/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

/** Package access to {@link EvalCommand}'s helpers for tests in other packages. */
public final class EvalCommandAccess {
    private EvalCommandAccess() {}

    /** {@link EvalCommand#bar}. */
    public static String bar(long done, long total) {
        return EvalCommand.bar(done, total);
    }
}
