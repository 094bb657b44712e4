/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import org.tensorflow.ndarray.Shape;

/**
 * Inference batch norm as an affine map, {@code y = x·s + o} with {@code s = gamma / sqrt(moving_variance + eps)}
 * and {@code o = beta - moving_mean·s}, computed in double from the weights, folded into the preceding convolution:
 * kernel {@code w·s} per output channel, bias {@code o}.
 */
final class Folding {
    private Folding() {}

    /**
     * The per-channel scale and offset.
     *
     * @param scale {@code s}
     * @param offset {@code o}
     */
    record Affine(float[] scale, float[] offset) {}

    /** The affine form of the batch norm in variable scope {@code bnScope} (gamma 1 without scale, beta 0 without center). */
    static Affine affine(ModelWeights weights, String bnScope, long depth, BatchNormSettings bn) {
        if (bn.training()) {
            throw new IllegalArgumentException(
                    "foldBatchNorms: a training-mode batch norm (" + bnScope + ") cannot be folded");
        }
        Shape shape = Shape.of(depth);
        float[] gamma = bn.scale() ? weights.get(bnScope + "/gamma", shape).data() : null;
        float[] beta = bn.center() ? weights.get(bnScope + "/beta", shape).data() : null;
        float[] mean = weights.get(bnScope + "/moving_mean", shape).data();
        float[] variance = weights.get(bnScope + "/moving_variance", shape).data();
        float[] s = new float[(int) depth];
        float[] o = new float[(int) depth];
        for (int c = 0; c < depth; c++) {
            double g = gamma == null ? 1.0 : gamma[c];
            double b = beta == null ? 0.0 : beta[c];
            double sc = g / Math.sqrt((double) variance[c] + bn.epsilon());
            s[c] = (float) sc;
            o[c] = (float) (b - mean[c] * sc);
        }
        return new Affine(s, o);
    }

    /** The kernel {@code [kh, kw, in, out]} with output channel {@code c} scaled by {@code scale[c]}. */
    static ModelWeights.Value scaleKernel(ModelWeights.Value kernel, float[] scale) {
        float[] w = kernel.data();
        float[] out = new float[w.length];
        int channels = scale.length;
        for (int i = 0; i < w.length; i++) {
            out[i] = (float) ((double) w[i] * scale[i % channels]);
        }
        return new ModelWeights.Value(kernel.shape(), out);
    }
}
