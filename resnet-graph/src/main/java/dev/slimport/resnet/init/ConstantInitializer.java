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
 * Fills a variable with one value ({@code tf.constant_initializer}).
 *
 * @param value the fill value
 */
public record ConstantInitializer(float value) implements Initializer {

    @Override
    public Operand<TFloat32> create(Ops tf, Shape shape, long seed) {
        return tf.withName("Const").fill(tf.constant(shape.asArray()), tf.constant(value));
    }
}
