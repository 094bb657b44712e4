/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** Activation functions, as slim's {@code activation_fn}: {@code None}, {@code tf.nn.relu}, {@code tf.nn.relu6}. */
public enum Activation {
    /** No activation ({@code activation_fn=None}). */
    NONE,
    /** {@code tf.nn.relu}, op name {@code Relu}. */
    RELU,
    /** {@code tf.nn.relu6}, op name {@code Relu6}. */
    RELU6;

    /** Applies the activation in the scope of {@code tf}. */
    public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) {
        return switch (this) {
            case NONE -> x;
            case RELU -> tf.withName("Relu").nn.relu(x);
            case RELU6 -> tf.withName("Relu6").nn.relu6(x);
        };
    }
}
