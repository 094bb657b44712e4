/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.Ref;
import dev.slimport.resnet.testing.RefResNetV2;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * The independent reference of the SavedModel tests: resnet-graph's plain-Java forward ({@link RefResNetV2}, written
 * from slim-semantics.md and sharing no code with the library) fed with the values read from a checkpoint or a
 * SavedModel's {@code variables/variables}, and the float32 round-off bound within which TensorFlow must agree.
 */
final class JavaReference {
    private JavaReference() {}

    /** The unit round-off of float32, 2^-24. */
    static final double UNIT_ROUNDOFF = 0x1p-24;

    /**
     * Covers what the per-layer sum in {@link #roundOffBound} leaves out: batch-norm gains above 1 (up to 1.5 /
     * sqrt(0.25) = 3 with {@code BatchNorms.WIDE}) and the reference's own float32 storage of every intermediate.
     */
    static final double SAFETY = 4;

    /** Every float32 tensor of the checkpoint at {@code prefix}, by name. */
    static Map<String, Nhwc> read(Path prefix) {
        Map<String, Nhwc> vars = new LinkedHashMap<>();
        try (CheckpointReader reader = CheckpointReader.open(prefix)) {
            for (CheckpointEntry e : reader.entries()) {
                try (TFloat32 t = reader.readFloat32(e.name())) {
                    vars.put(e.name(), Nhwc.of(t));
                }
            }
        }
        return vars;
    }

    /** The variables of an exported SavedModel version directory. */
    static Map<String, Nhwc> readSavedModel(Path versionDir) {
        return read(versionDir.resolve(SavedModelInfo.VARIABLES_PREFIX));
    }

    /**
     * The reference outputs of a net exported by {@link InferenceModel} (global pool, spatial squeeze).
     *
     * @param postnorm the unpooled postnorm activations {@code [N, H, W, F]}
     * @param outputs {@code features} ({@code [N, F]}, the mean of {@code postnorm} over H and W) and, with classes,
     *     {@code logits} and {@code predictions} ({@code [N, C]})
     */
    record Outputs(Nhwc postnorm, Map<String, FloatValues> outputs) {}

    /** The forward pass of the net {@code table} in {@code scope} with {@code classes} classes (0: features only). */
    static Outputs forward(Map<String, Nhwc> vars, String scope, int[][] table, int classes, FloatValues images) {
        Nhwc in = new Nhwc(images.shape().asArray(), images.data().clone());
        Nhwc postnorm = new RefResNetV2(vars, scope).forward(in, table, null, true, false, 0);
        Nhwc pooled = Ref.meanHw(postnorm);
        int n = postnorm.dim(0);
        Map<String, FloatValues> out = new LinkedHashMap<>();
        if (classes > 0) {
            Nhwc logits = Ref.biasAdd(
                    Ref.conv2dValid(pooled, vars.get(scope + "/logits/weights"), 1, 1),
                    vars.get(scope + "/logits/biases").data());
            out.put(ServingSignature.LOGITS, new FloatValues(Shape.of(n, classes), logits.data()));
            out.put(
                    ServingSignature.PREDICTIONS,
                    new FloatValues(Shape.of(n, classes), Ref.softmax(logits).data()));
        }
        out.put(ServingSignature.FEATURES, new FloatValues(Shape.of(n, postnorm.dim(3)), pooled.data()));
        return new Outputs(postnorm, out);
    }

    /**
     * The largest |TensorFlow − reference| accepted on outputs whose magnitudes are at most {@code scale}. A dot
     * product of length n evaluated in float32, in any order and with or without FMA, is off by at most about n·u of
     * its magnitude (Higham, Accuracy and Stability of Numerical Algorithms, §3.1); a normalized net passes earlier
     * errors on with a gain of about 1, so along the chain they add up: u · (Σ over the convolutions of their fan-in
     * kh·kw·in, + 8 per batch norm, + the pooled positions) · max(1, scale) · {@link #SAFETY}. A wrong variable,
     * padding or epsilon moves the outputs by orders of magnitude more.
     */
    static double roundOffBound(Map<String, Nhwc> vars, int pooledPositions, double scale) {
        double ops = pooledPositions;
        for (Map.Entry<String, Nhwc> e : vars.entrySet()) {
            long[] s = e.getValue().shape();
            if (e.getKey().endsWith("/weights") && s.length == 4) {
                ops += s[0] * s[1] * s[2];
            } else if (e.getKey().endsWith("/moving_variance")) {
                ops += 8;
            }
        }
        return UNIT_ROUNDOFF * ops * Math.max(1, scale) * SAFETY;
    }

    /** The largest magnitude over all the outputs. */
    static double scale(Map<String, FloatValues> outputs) {
        double m = 0;
        for (FloatValues v : outputs.values()) {
            for (float x : v.data()) {
                m = Math.max(m, Math.abs((double) x));
            }
        }
        return m;
    }
}
