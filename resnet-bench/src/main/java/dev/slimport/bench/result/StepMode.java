/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.result;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What one timed step of {@code forward --mode} runs: the inference forward pass (the seed's), or, on slim's
 * training-mode graph ({@code is_training=True}: batch statistics, no folding), all gradients of the loss
 * (forward-backward, as {@code time_tensorflow_run(sess, grad, "Forward-backward")} in TensorFlow's convnet
 * benchmarks) or a full optimizer step ({@code train_op}).
 */
public enum StepMode {
    /** The forward pass of the inference graph (logits). */
    INFERENCE("inference"),
    /** Forward and backward on the training-mode graph: every gradient of the loss is fetched, nothing updated. */
    FORWARD_BACKWARD("forward-backward"),
    /** One momentum step: forward, backward, every update, the global step and the batch-norm update ops. */
    TRAIN("train");

    private final String label;

    StepMode(String label) {
        this.label = label;
    }

    /** The value on the command line and in results: {@code inference}, {@code forward-backward}, {@code train}. */
    @JsonValue
    public String label() {
        return label;
    }

    /** The word of the seed's closing line, {@code <word> across N steps, ...}: the seed's {@code forward}, else the label. */
    public String across() {
        return this == INFERENCE ? "forward" : label;
    }

    /** The {@link #label()}: what {@code --help} lists. */
    @Override
    public String toString() {
        return label;
    }

    /** Whether the step runs on the training-mode graph. */
    public boolean training() {
        return this != INFERENCE;
    }
}
