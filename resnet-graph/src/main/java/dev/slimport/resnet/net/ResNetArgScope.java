/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import dev.slimport.resnet.init.SlimL2Regularizer;
import dev.slimport.resnet.init.SlimVarianceScaling;
import dev.slimport.resnet.slim.Activation;
import dev.slimport.resnet.slim.ArgScope;
import dev.slimport.resnet.slim.BatchNormArgs;
import dev.slimport.resnet.slim.Conv2dArgs;
import dev.slimport.resnet.slim.MaxPool2dArgs;
import dev.slimport.resnet.slim.Normalizer;
import dev.slimport.resnet.slim.Padding;

/** Port of {@code resnet_utils.resnet_arg_scope} (tensorflow/models research/slim/nets). */
public final class ResNetArgScope {
    private ResNetArgScope() {}

    /** slim's default weight decay. */
    public static final double WEIGHT_DECAY = 0.0001;
    /** slim's default batch-norm decay. */
    public static final double BATCH_NORM_DECAY = 0.997;
    /** slim's default batch-norm epsilon. */
    public static final double BATCH_NORM_EPSILON = 1e-5;

    /** {@code resnet_arg_scope()} with slim's defaults: 1e-4, 0.997, 1e-5, scale, ReLU, batch norm. */
    public static ArgScope resnetArgScope() {
        return resnetArgScope(WEIGHT_DECAY, BATCH_NORM_DECAY, BATCH_NORM_EPSILON, true, Activation.RELU, true);
    }

    /**
     * {@code resnet_arg_scope(weight_decay, batch_norm_decay, batch_norm_epsilon, batch_norm_scale, activation_fn,
     * use_batch_norm)}: for {@code conv2d}, slim's L2 regularizer and variance-scaling initializer, the activation, and
     * batch norm (with the decay, epsilon and scale) as normalizer when {@code useBatchNorm}; the same batch-norm
     * parameters for {@code batch_norm}; {@code padding='SAME'} for {@code max_pool2d}.
     *
     * @throws IllegalArgumentException naming the argument that is out of range
     */
    public static ArgScope resnetArgScope(
            double weightDecay,
            double batchNormDecay,
            double batchNormEpsilon,
            boolean batchNormScale,
            Activation activation,
            boolean useBatchNorm) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight_decay: must be a finite number >= 0, got " + weightDecay);
        }
        if (!(batchNormDecay >= 0 && batchNormDecay <= 1)) {
            throw new IllegalArgumentException("batch_norm_decay: must be in [0, 1], got " + batchNormDecay);
        }
        if (!(batchNormEpsilon > 0) || Double.isInfinite(batchNormEpsilon)) {
            throw new IllegalArgumentException(
                    "batch_norm_epsilon: must be a finite number > 0, got " + batchNormEpsilon);
        }
        var bnParams = new dev.slimport.resnet.slim.Arg<?>[] {
            BatchNormArgs.DECAY.of(batchNormDecay),
            BatchNormArgs.EPSILON.of(batchNormEpsilon),
            BatchNormArgs.SCALE.of(batchNormScale)
        };
        return ArgScope.empty()
                .with(
                        Conv2dArgs.WEIGHTS_REGULARIZER.of(new SlimL2Regularizer(weightDecay)),
                        Conv2dArgs.WEIGHTS_INITIALIZER.of(SlimVarianceScaling.slimDefault()),
                        Conv2dArgs.ACTIVATION.of(activation),
                        Conv2dArgs.NORMALIZER.of(useBatchNorm ? Normalizer.batchNorm(bnParams) : Normalizer.NONE))
                .with(bnParams)
                .with(MaxPool2dArgs.PADDING.of(Padding.SAME));
    }
}
