/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

import java.util.Random;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * A float tensor in plain Java with its shape, row-major like TensorFlow's. Tests use it to feed inputs and to hold
 * reference results computed without TensorFlow.
 *
 * @param shape the dimensions
 * @param data the values, row-major
 */
public record Nhwc(long[] shape, float[] data) {

    /** A tensor of zeros. */
    public static Nhwc zeros(long... shape) {
        return new Nhwc(shape.clone(), new float[(int) Shape.of(shape).size()]);
    }

    /** Values 1, 2, 3, ... (slim's test inputs). */
    public static Nhwc ramp(long... shape) {
        Nhwc t = zeros(shape);
        for (int i = 0; i < t.data.length; i++) {
            t.data[i] = i + 1;
        }
        return t;
    }

    /** Uniform values in [lo, hi) from {@code seed}. */
    public static Nhwc uniform(long seed, float lo, float hi, long... shape) {
        Random r = new Random(seed);
        Nhwc t = zeros(shape);
        for (int i = 0; i < t.data.length; i++) {
            t.data[i] = lo + (hi - lo) * r.nextFloat();
        }
        return t;
    }

    /** A copy of a TensorFlow tensor. */
    public static Nhwc of(TFloat32 t) {
        float[] out = new float[(int) t.size()];
        t.copyTo(DataBuffers.of(out, false, false));
        return new Nhwc(t.shape().asArray(), out);
    }

    /** A new TensorFlow tensor holding these values; the caller closes it. */
    public TFloat32 toTensor() {
        return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false));
    }

    public int dim(int i) {
        return (int) shape[i];
    }

    public int index(int... idx) {
        int flat = 0;
        for (int i = 0; i < shape.length; i++) {
            flat = flat * (int) shape[i] + idx[i];
        }
        return flat;
    }

    public float get(int... idx) {
        return data[index(idx)];
    }

    public void set(float v, int... idx) {
        data[index(idx)] = v;
    }

    /** The largest absolute element-wise difference; shapes must match. */
    public float maxAbsDiff(Nhwc other) {
        if (!java.util.Arrays.equals(shape, other.shape)) {
            throw new AssertionError("shapes differ: " + java.util.Arrays.toString(shape) + " vs "
                    + java.util.Arrays.toString(other.shape));
        }
        float m = 0;
        for (int i = 0; i < data.length; i++) {
            m = Math.max(m, Math.abs(data[i] - other.data[i]));
        }
        return m;
    }

    /** The largest absolute value. */
    public float maxAbs() {
        float m = 0;
        for (float v : data) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** NHWC to NCHW (or, for NCHW input, the inverse with {@code toNhwc}). */
    public Nhwc toNchw() {
        int n = dim(0), h = dim(1), w = dim(2), c = dim(3);
        Nhwc out = zeros(n, c, h, w);
        for (int b = 0; b < n; b++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) for (int k = 0; k < c; k++) out.set(get(b, y, x, k), b, k, y, x);
        return out;
    }

    /** NCHW to NHWC. */
    public Nhwc toNhwc() {
        int n = dim(0), c = dim(1), h = dim(2), w = dim(3);
        Nhwc out = zeros(n, h, w, c);
        for (int b = 0; b < n; b++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) for (int k = 0; k < c; k++) out.set(get(b, k, y, x), b, y, x, k);
        return out;
    }
}
