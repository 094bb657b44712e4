/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

/**
 * Floating-point round-off bounds for comparing two computations of the same value (Higham, <i>Accuracy and
 * Stability of Numerical Algorithms</i>, §3.1): a sum or dot product of {@code n} terms computed in any order, with or
 * without fused multiply-adds, is within {@code γ(n)·Σ|terms|} of the exact value, {@code γ(n) = n·u / (1 − n·u)},
 * where {@code u} is the unit round-off. Two such computations (another CPU's FMA, oneDNN's blocking, a GPU kernel)
 * therefore differ by at most {@code 2·γ(n)·Σ|terms|}. Through a network, each layer whose inputs are correct to a
 * relative {@code δ} adds its own {@code γ(fan-in)}; the tests document which {@code n} and which magnitude they use.
 */
public final class RoundOff {
    private RoundOff() {}

    /** float32's unit round-off, 2⁻²⁴. */
    public static final double FLOAT32 = 0x1p-24;

    /** float16's unit round-off, 2⁻¹¹ (10 stored mantissa bits); also TF32's, which GPUs may use for float32. */
    public static final double FLOAT16 = 0x1p-11;

    /** bfloat16's unit round-off, 2⁻⁸. */
    public static final double BFLOAT16 = 0x1p-8;

    /**
     * Higham's {@code γ(n) = n·u / (1 − n·u)}.
     *
     * @throws IllegalArgumentException when {@code n·u >= 1} (no bound exists)
     */
    public static double gamma(long n, double u) {
        double nu = n * u;
        if (nu >= 1) {
            throw new IllegalArgumentException("no round-off bound for n = " + n + " at u = " + u);
        }
        return nu / (1 - nu);
    }

    /**
     * The most two computations of a sum of {@code n} terms with {@code Σ|terms| = sumAbs} can differ by:
     * {@code 2·γ(n)·sumAbs}.
     */
    public static double twoSums(long n, double sumAbs, double u) {
        return 2 * gamma(n, u) * sumAbs;
    }

    /**
     * The summed lengths of the reductions a logit of a ResNet v2 goes through on its deepest path: root conv1
     * (7·7·3), each unit's conv1 (1·1·in), conv2 (3·3·base) and conv3 (1·1·base), and logits (1·1·features). To first
     * order, two float32 evaluations of that path differ by at most {@code twoSums(K, scale, FLOAT32)} on the logits'
     * scale.
     *
     * @param table {base depth, units, stride} rows (e.g. {@link SmallNets#SMALL_TABLE})
     * @param classes 0 for no logits
     */
    public static long fanInsOnTheDeepestPath(int[][] table, int classes) {
        long k = 7 * 7 * 3;
        long in = 64;
        for (int[] block : table) {
            for (int u = 0; u < block[1]; u++) {
                k += in + 9L * block[0] + block[0];
                in = 4L * block[0];
            }
        }
        return k + (classes > 0 ? in : 0);
    }

    /** {@link #fanInsOnTheDeepestPath} of resnet_v2_50 (base depths 64..512, 3, 4, 6, 3 units). */
    public static long resnetV2_50FanIns(int classes) {
        return fanInsOnTheDeepestPath(new int[][] {{64, 3, 2}, {128, 4, 2}, {256, 6, 2}, {512, 3, 1}}, classes);
    }
}
