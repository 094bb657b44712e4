/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import dev.slimport.resnet.init.Initializer;
import dev.slimport.resnet.init.Regularizer;
import dev.slimport.resnet.init.SlimVarianceScaling;

/**
 * The keyword arguments of slim's {@code conv2d} that can be passed explicitly or held by an {@link ArgScope}, with
 * slim's own defaults ({@code tf_slim/layers/layers.py:convolution}).
 */
public final class Conv2dArgs {
    private Conv2dArgs() {}

    /** {@code padding}, default {@code 'SAME'}. */
    public static final Option<Padding> PADDING = Option.of(LayerFn.CONV2D, "padding", Padding.class, Padding.SAME);
    /** {@code stride}, default 1. */
    public static final Option<Integer> STRIDE =
            new Option<>(LayerFn.CONV2D, "stride", Integer.class, 1, v -> v >= 1, "integers >= 1");
    /** {@code rate} (dilation), default 1; slim rejects rate > 1 together with stride > 1. */
    public static final Option<Integer> RATE =
            new Option<>(LayerFn.CONV2D, "rate", Integer.class, 1, v -> v >= 1, "integers >= 1");
    /** {@code data_format}, default {@code 'NHWC'}. */
    public static final Option<DataFormat> DATA_FORMAT =
            Option.of(LayerFn.CONV2D, "data_format", DataFormat.class, DataFormat.NHWC);
    /** {@code activation_fn}, default {@code tf.nn.relu}. */
    public static final Option<Activation> ACTIVATION =
            Option.of(LayerFn.CONV2D, "activation_fn", Activation.class, Activation.RELU);
    /** {@code normalizer_fn} with {@code normalizer_params}, default none. */
    public static final Option<Normalizer> NORMALIZER =
            Option.of(LayerFn.CONV2D, "normalizer_fn", Normalizer.class, Normalizer.NONE);
    /** {@code weights_initializer}, default {@code xavier_initializer()}. */
    public static final Option<Initializer> WEIGHTS_INITIALIZER =
            Option.of(LayerFn.CONV2D, "weights_initializer", Initializer.class, SlimVarianceScaling.xavier());
    /** {@code weights_regularizer}, default none. */
    public static final Option<Regularizer> WEIGHTS_REGULARIZER =
            Option.of(LayerFn.CONV2D, "weights_regularizer", Regularizer.class, Regularizer.NONE);
    /** {@code biases_initializer}, default zeros. */
    public static final Option<Initializer> BIASES_INITIALIZER =
            Option.of(LayerFn.CONV2D, "biases_initializer", Initializer.class, Initializer.zeros());
    /** {@code trainable}, default true. */
    public static final Option<Boolean> TRAINABLE = Option.of(LayerFn.CONV2D, "trainable", Boolean.class, true);
}
