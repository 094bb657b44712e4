/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.init;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Creates the initial value of a float32 variable, as slim's {@code weights_initializer} and friends. Graph-agnostic
 * until called, so one instance can be a default in many graphs.
 */
@FunctionalInterface
public interface Initializer {

    /**
     * Builds the initial value.
     *
     * @param tf ops in the initializer's name scope (an init scope)
     * @param shape the variable's full static shape
     * @param seed a seed derived from the model seed and the variable's name; deterministic initializers ignore it
     * @return a float32 operand of {@code shape}
     */
    Operand<TFloat32> create(Ops tf, Shape shape, long seed);

    /** {@code tf.zeros_initializer()}. */
    static Initializer zeros() {
        return constant(0f);
    }

    /** {@code tf.ones_initializer()}. */
    static Initializer ones() {
        return constant(1f);
    }

    /** {@code tf.constant_initializer(value)}: every element is {@code value}. */
    static Initializer constant(float value) {
        return new ConstantInitializer(value);
    }
}
