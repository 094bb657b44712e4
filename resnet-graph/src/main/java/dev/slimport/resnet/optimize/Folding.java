/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.optimize;

import dev.slimport.resnet.slim.ModelVariable;
import dev.slimport.resnet.slim.ModelWeights;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private record Affine(float[] scale, float[] offset) {}

    /**
     * The value of every variable of the folded network, shape-checked: for {@code <conv>/weights} and {@code
     * <conv>/biases} of a convolution whose batch norm {@code <conv>/BatchNorm} is in {@code source}, the folded kernel
     * and bias; for every other variable its value in {@code source} as is.
     *
     * @param epsilon the batch norms' epsilon (as the fused kernel uses it)
     */
    static Map<ModelVariable, ModelWeights.Value> values(
            ModelWeights source, List<ModelVariable> variables, double epsilon) {
        Map<String, Affine> affines = new HashMap<>();
        Map<ModelVariable, ModelWeights.Value> values = new LinkedHashMap<>();
        for (ModelVariable v : variables) {
            int slash = v.name().lastIndexOf('/');
            String conv = v.name().substring(0, Math.max(0, slash));
            String leaf = v.name().substring(slash + 1);
            String bn = conv + "/BatchNorm";
            if (!(leaf.equals("weights") || leaf.equals("biases")) || !source.contains(bn + "/moving_mean")) {
                values.put(v, source.get(v.name(), v.shape()));
                continue;
            }
            long depth = v.shape().get(v.shape().numDimensions() - 1);
            Affine a = affines.computeIfAbsent(conv, c -> affine(source, bn, depth, epsilon));
            values.put(
                    v,
                    leaf.equals("weights")
                            ? scaleKernel(source.get(v.name(), v.shape()), a.scale())
                            : new ModelWeights.Value(v.shape(), a.offset()));
        }
        return values;
    }

    /** The affine form of the batch norm in variable scope {@code bnScope} (gamma 1 without scale, beta 0 without center). */
    private static Affine affine(ModelWeights weights, String bnScope, long depth, double epsilon) {
        Shape shape = Shape.of(depth);
        float[] gamma = weights.contains(bnScope + "/gamma")
                ? weights.get(bnScope + "/gamma", shape).data()
                : null;
        float[] beta = weights.contains(bnScope + "/beta")
                ? weights.get(bnScope + "/beta", shape).data()
                : null;
        float[] mean = weights.get(bnScope + "/moving_mean", shape).data();
        float[] variance = weights.get(bnScope + "/moving_variance", shape).data();
        float[] s = new float[(int) depth];
        float[] o = new float[(int) depth];
        for (int c = 0; c < depth; c++) {
            double g = gamma == null ? 1.0 : gamma[c];
            double b = beta == null ? 0.0 : beta[c];
            double sc = g / Math.sqrt((double) variance[c] + epsilon);
            s[c] = (float) sc;
            o[c] = (float) (b - mean[c] * sc);
        }
        return new Affine(s, o);
    }

    /** The kernel {@code [kh, kw, in, out]} with output channel {@code c} scaled by {@code scale[c]}. */
    private static ModelWeights.Value scaleKernel(ModelWeights.Value kernel, float[] scale) {
        float[] w = kernel.data();
        float[] out = new float[w.length];
        int channels = scale.length;
        for (int i = 0; i < w.length; i++) {
            out[i] = (float) ((double) w[i] * scale[i % channels]);
        }
        return new ModelWeights.Value(kernel.shape(), out);
    }
}
