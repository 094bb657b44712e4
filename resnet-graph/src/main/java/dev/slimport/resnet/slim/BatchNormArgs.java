/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

/**
 * The keyword arguments of slim's {@code batch_norm} that can be passed explicitly or held by an {@link ArgScope},
 * with slim's own defaults ({@code tf_slim/layers/layers.py:batch_norm}). The port is always the fused kernel ({@code
 * fused=None} means fused in slim) and always returns its moving-average updates to the model (slim's {@code
 * UPDATE_OPS}), so {@code fused} and {@code updates_collections} have no counterpart.
 */
public final class BatchNormArgs {
    private BatchNormArgs() {}

    /** {@code decay} of the moving averages, default 0.999. */
    public static final Option<Double> DECAY =
            new Option<>(LayerFn.BATCH_NORM, "decay", Double.class, 0.999, v -> v >= 0 && v <= 1, "numbers in [0, 1]");
    /** {@code center}: add the {@code beta} offset, default true. */
    public static final Option<Boolean> CENTER = Option.of(LayerFn.BATCH_NORM, "center", Boolean.class, true);
    /** {@code scale}: multiply by {@code gamma}, default false. */
    public static final Option<Boolean> SCALE = Option.of(LayerFn.BATCH_NORM, "scale", Boolean.class, false);
    /** {@code epsilon}, default 0.001. */
    public static final Option<Double> EPSILON =
            new Option<>(LayerFn.BATCH_NORM, "epsilon", Double.class, 0.001, v -> v > 0, "numbers > 0");
    /** {@code activation_fn}, default none. */
    public static final Option<Activation> ACTIVATION =
            Option.of(LayerFn.BATCH_NORM, "activation_fn", Activation.class, Activation.NONE);
    /** {@code is_training}: batch statistics and update ops when true, moving statistics when false. */
    public static final Option<Boolean> IS_TRAINING = Option.of(LayerFn.BATCH_NORM, "is_training", Boolean.class, true);
    /** {@code data_format}, default {@code 'NHWC'}. */
    public static final Option<DataFormat> DATA_FORMAT =
            Option.of(LayerFn.BATCH_NORM, "data_format", DataFormat.class, DataFormat.NHWC);
    /** {@code trainable}: whether beta and gamma are trainable, default true. */
    public static final Option<Boolean> TRAINABLE = Option.of(LayerFn.BATCH_NORM, "trainable", Boolean.class, true);
}
