/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import java.util.Arrays;
import java.util.List;

/**
 * Slim's {@code normalizer_fn} together with its {@code normalizer_params}: either none, or {@code batch_norm} called
 * with the given explicit arguments (the rest resolved from the {@code batch_norm} arg scope, as slim does).
 *
 * @param isBatchNorm whether this is batch norm (else none)
 * @param params the explicit {@code batch_norm} arguments
 */
public record Normalizer(boolean isBatchNorm, List<Arg<?>> params) {
    /** {@code normalizer_fn=None}: the convolution gets biases instead. */
    public static final Normalizer NONE = new Normalizer(false, List.of());

    /** The validated normalizer; {@code params} is copied and must hold {@link BatchNormArgs} options only. */
    public Normalizer {
        for (Arg<?> a : params) {
            if (a == null || a.option().fn() != LayerFn.BATCH_NORM) {
                throw new IllegalArgumentException("normalizer_params: only batch_norm options are allowed, got "
                        + (a == null ? null : a.option()));
            }
        }
        params = List.copyOf(params);
    }

    /**
     * {@code normalizer_fn=slim.batch_norm, normalizer_params={...}}.
     *
     * @param params explicit {@code batch_norm} arguments; each must be a {@link BatchNormArgs} option
     */
    public static Normalizer batchNorm(Arg<?>... params) {
        return new Normalizer(true, Arrays.asList(params));
    }

    @Override
    public String toString() {
        return isBatchNorm ? "batch_norm" + params : "None";
    }
}
