/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.init;

import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** A weight penalty, as slim's {@code weights_regularizer}: one scalar loss per regularized variable, or none. */
@FunctionalInterface
public interface Regularizer {

    /** No regularization ({@code weights_regularizer=None}). */
    Regularizer NONE = (tf, w) -> Optional.empty();

    /**
     * Builds the loss for one variable.
     *
     * @param tf ops in the regularizer's name scope
     * @param weights the variable's value
     * @return the scalar loss, or empty when this regularizer adds none
     */
    Optional<Operand<TFloat32>> apply(Ops tf, Operand<TFloat32> weights);
}
