/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import java.util.List;
import java.util.Objects;

/**
 * Slim's {@code normalizer_fn} together with its {@code normalizer_params}: either none, or {@code batch_norm} called
 * with the given explicit arguments (the rest resolved from the {@code batch_norm} arg scope, as slim does).
 */
public final class Normalizer {
    /** {@code normalizer_fn=None}: the convolution gets biases instead. */
    public static final Normalizer NONE = new Normalizer(false, List.of());

    private final boolean batchNorm;
    private final List<Arg<?>> params;

    private Normalizer(boolean batchNorm, List<Arg<?>> params) {
        this.batchNorm = batchNorm;
        this.params = params;
    }

    /**
     * {@code normalizer_fn=slim.batch_norm, normalizer_params={...}}.
     *
     * @param params explicit {@code batch_norm} arguments; each must be a {@link BatchNormArgs} option
     */
    public static Normalizer batchNorm(Arg<?>... params) {
        for (Arg<?> a : params) {
            if (a == null || a.option().fn() != LayerFn.BATCH_NORM) {
                throw new IllegalArgumentException("normalizer_params: only batch_norm options are allowed, got "
                        + (a == null ? null : a.option()));
            }
        }
        return new Normalizer(true, List.of(params));
    }

    /** Whether this is batch norm (else none). */
    public boolean isBatchNorm() {
        return batchNorm;
    }

    /** The explicit {@code batch_norm} arguments. */
    public List<Arg<?>> params() {
        return params;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalizer n && n.batchNorm == batchNorm && n.params.equals(params);
    }

    @Override
    public int hashCode() {
        return Objects.hash(batchNorm, params);
    }

    @Override
    public String toString() {
        return batchNorm ? "batch_norm" + params : "None";
    }
}
