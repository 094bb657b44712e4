/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import java.util.List;

/**
 * The resolved arguments of one {@code batch_norm} call (explicit &gt; arg scope &gt; slim default), shared by the batch
 * norm itself and by folding it into a convolution.
 *
 * @param decay the moving-average decay
 * @param center whether {@code beta} is added
 * @param scale whether {@code gamma} multiplies
 * @param epsilon the epsilon the fused kernel uses (raised to {@link #MIN_FUSED_EPSILON})
 * @param activation the activation after the normalization
 * @param training batch statistics (true) or moving statistics (false)
 * @param format the data format
 * @param trainable whether beta and gamma are trainable
 */
public record BatchNormSettings(
        double decay,
        boolean center,
        boolean scale,
        double epsilon,
        Activation activation,
        boolean training,
        DataFormat format,
        boolean trainable) {

    /** The smallest epsilon TensorFlow's {@code fused_batch_norm} passes to the kernel (cuDNN's minimum). */
    public static final double MIN_FUSED_EPSILON = 1.001e-5;

    /** Resolves the settings of a call with {@code explicit} arguments under {@code args}. */
    public static BatchNormSettings resolve(ArgScope args, List<? extends Arg<?>> explicit) {
        return new BatchNormSettings(
                args.resolve(BatchNormArgs.DECAY, explicit),
                args.resolve(BatchNormArgs.CENTER, explicit),
                args.resolve(BatchNormArgs.SCALE, explicit),
                Math.max(args.resolve(BatchNormArgs.EPSILON, explicit), MIN_FUSED_EPSILON),
                args.resolve(BatchNormArgs.ACTIVATION, explicit),
                args.resolve(BatchNormArgs.IS_TRAINING, explicit),
                args.resolve(BatchNormArgs.DATA_FORMAT, explicit),
                args.resolve(BatchNormArgs.TRAINABLE, explicit));
    }
}
