/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.init;

import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Port of slim's {@code l2_regularizer(scale)} ({@code tf_slim/layers/regularizers.py}): {@code scale ·
 * tf.nn.l2_loss(w) = scale · Σw²/2}, op name {@code l2_regularizer}. A scale of 0 adds no loss, as in slim.
 * tensorflow-framework's {@code L2} omits the ½ (Keras semantics) and is not used.
 *
 * @param scale the weight decay, ≥ 0
 */
public record SlimL2Regularizer(double scale) implements Regularizer {

    /** The validated regularizer. */
    public SlimL2Regularizer {
        if (!(scale >= 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale: setting a scale less than 0 on a regularizer: " + scale);
        }
    }

    @Override
    public Optional<Operand<TFloat32>> apply(Ops tf, Operand<TFloat32> weights) {
        if (scale == 0) {
            return Optional.empty();
        }
        Operand<TFloat32> l2 = tf.withName("L2Loss").nn.l2Loss(weights);
        return Optional.of(tf.withName("l2_regularizer").math.mul(tf.constant((float) scale), l2));
    }
}
