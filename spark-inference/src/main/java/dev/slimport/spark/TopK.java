/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

/**
 * {@code tf.math.top_k} on one row of probabilities: the {@code k} largest values in descending order; of equal
 * values the lower index comes first.
 */
public final class TopK {
    private TopK() {}

    /**
     * The indices of the {@code k} largest of {@code values[offset .. offset + width)}, relative to {@code offset}.
     *
     * @throws IllegalArgumentException if {@code k} is not in 0..width
     */
    public static int[] indices(float[] values, int offset, int width, int k) {
        if (k < 0 || k > width) {
            throw new IllegalArgumentException("k: must be in 0.." + width + ", got " + k);
        }
        int[] top = new int[k];
        if (k == 0) {
            return top;
        }
        int n = 0;
        for (int j = 0; j < width; j++) {
            float v = values[offset + j];
            if (n == k && !greater(v, values[offset + top[k - 1]])) {
                continue;
            }
            int pos = n < k ? n++ : k - 1;
            while (pos > 0 && greater(v, values[offset + top[pos - 1]])) {
                top[pos] = top[pos - 1];
                pos--;
            }
            top[pos] = j;
        }
        return top;
    }

    /** Strictly greater in {@link Float#compare} order (NaN counts as the largest). */
    private static boolean greater(float a, float b) {
        return Float.compare(a, b) > 0;
    }
}
