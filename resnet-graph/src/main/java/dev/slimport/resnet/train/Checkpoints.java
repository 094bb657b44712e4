/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.Session;

/**
 * TF1 checkpoints of every {@code VariableV2} of a session's graph ({@code tf.train.Saver} V2 format: {@code
 * <prefix>.index} and {@code <prefix>.data-00000-of-00001}), keyed by variable name — model variables, momentum
 * slots and {@code global_step} alike. TensorFlow Java builds the saver at the first save or restore and knows
 * only the variables that exist then: build the whole graph (training graph included) first.
 */
public final class Checkpoints {
    private Checkpoints() {}

    /**
     * Saves every variable under {@code prefix} ({@code Session.save}), creating its parent directory first.
     *
     * @throws IllegalArgumentException for a null session or prefix, or a prefix without a file name
     * @throws UncheckedIOException when the parent directory cannot be created
     */
    public static void save(Session session, Path prefix) {
        checkArgs(session, prefix);
        Path parent = prefix.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint: cannot create directory " + parent, e);
        }
        session.save(prefix.toAbsolutePath().toString());
    }

    /**
     * Restores every variable of the session's graph from {@code prefix} ({@code Session.restore}): all or nothing,
     * and it counts as the session's initialization.
     *
     * @throws IllegalArgumentException when {@code <prefix>.index} does not exist
     */
    public static void restore(Session session, Path prefix) {
        checkArgs(session, prefix);
        Path index = Path.of(prefix.toAbsolutePath() + ".index");
        if (!Files.isRegularFile(index)) {
            throw new IllegalArgumentException("checkpoint: no checkpoint at " + prefix + " (missing " + index + ")");
        }
        session.restore(prefix.toAbsolutePath().toString());
    }

    private static void checkArgs(Session session, Path prefix) {
        if (session == null) {
            throw new IllegalArgumentException("session: must not be null");
        }
        if (prefix == null || prefix.getFileName() == null) {
            throw new IllegalArgumentException(
                    "prefix: a checkpoint prefix such as dir/model.ckpt is required, got " + prefix);
        }
    }
}
