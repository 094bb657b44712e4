/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A model variable as slim creates it: a float32 {@code VariableV2} named by its variable scope, so {@code
 * Session.save/restore} and SavedModel export include it under slim's checkpoint name.
 *
 * @param name the full slim name, e.g. {@code resnet_v2_50/block1/unit_1/bottleneck_v2/conv1/BatchNorm/gamma}
 * @param variable the {@code VariableV2} op
 * @param value the variable's value ({@code <name>/read}), what layers consume
 * @param shape the static shape
 * @param role what the variable holds
 * @param trainable whether it is in slim's TRAINABLE_VARIABLES (moving statistics never are)
 */
public record ModelVariable(
        String name, Variable<TFloat32> variable, Operand<TFloat32> value, Shape shape, Role role, boolean trainable) {

    /** What a variable holds. */
    public enum Role {
        WEIGHTS,
        BIASES,
        GAMMA,
        BETA,
        MOVING_MEAN,
        MOVING_VARIANCE;

        /** Whether this role is a batch-norm moving statistic (not trainable, updated by update ops). */
        public boolean isMovingStatistic() {
            return this == MOVING_MEAN || this == MOVING_VARIANCE;
        }
    }

    /** The number of scalars, {@code shape.size()}. */
    public long size() {
        return shape.size();
    }
}
