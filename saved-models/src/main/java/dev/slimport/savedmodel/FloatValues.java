/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * A float32 tensor copied to the Java heap: a fully known shape and its values in row-major order. It owns nothing
 * native, so results can outlive the session that produced them.
 *
 * @param shape the fully known shape
 * @param data the values, {@code shape.size()} of them, row-major
 */
public record FloatValues(Shape shape, float[] data) {

    /** The validated value; {@code data} is not copied. */
    public FloatValues {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        if (shape.isUnknown() || shape.hasUnknownDimension()) {
            throw new IllegalArgumentException("shape: must be fully known, got " + Dtypes.shape(shape));
        }
        if (shape.size() != data.length) {
            throw new IllegalArgumentException(
                    "data: shape " + Dtypes.shape(shape) + " holds " + shape.size() + " values, got " + data.length);
        }
    }

    /** Copies {@code tensor}'s values. */
    public static FloatValues of(TFloat32 tensor) {
        long n = tensor.size();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor: too large to copy to a Java array, " + n + " values");
        }
        float[] values = new float[(int) n];
        tensor.copyTo(DataBuffers.of(values, false, false));
        return new FloatValues(tensor.shape(), values);
    }

    /**
     * Deterministic pseudo-random values, uniform in {@code [low, high)}, from {@link SplittableRandom} seeded with
     * {@code seed}: the same arguments give the same values in every JVM. {@code uniform(Shape.of(b, h, w, 3), seed,
     * -1, 1)} is a batch in the range Inception preprocessing produces.
     */
    public static FloatValues uniform(Shape shape, long seed, float low, float high) {
        if (!(low < high)) {
            throw new IllegalArgumentException("low/high: need low < high, got " + low + ", " + high);
        }
        if (shape == null || shape.isUnknown() || shape.hasUnknownDimension() || shape.size() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "shape: must be fully known and hold at most 2^31-1 values, got " + Dtypes.shape(shape));
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[(int) shape.size()];
        for (int i = 0; i < values.length; i++) {
            float v = (float) (low + (high - low) * random.nextDouble());
            values[i] = v < high ? v : Math.nextDown(high); // rounding to float can reach high
        }
        return new FloatValues(shape, values);
    }

    /** Equal when the shapes and all values are equal ({@link Arrays#equals(float[], float[])}). */
    @Override
    public boolean equals(Object o) {
        return o instanceof FloatValues v
                && Arrays.equals(shape.asArray(), v.shape.asArray())
                && Arrays.equals(data, v.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape.asArray()) + Arrays.hashCode(data);
    }

    /** {@code float32 [2,10] [0.1, -0.3, ...]} (at most 6 values). */
    @Override
    public String toString() {
        StringBuilder sb =
                new StringBuilder("float32 ").append(Dtypes.shape(shape)).append(" [");
        for (int i = 0; i < Math.min(6, data.length); i++) {
            sb.append(i > 0 ? ", " : "").append(data[i]);
        }
        return sb.append(data.length > 6 ? ", ...]" : "]").toString();
    }

    /** A new native tensor holding these values; the caller closes it. */
    public TFloat32 toTensor() {
        return TFloat32.tensorOf(shape, DataBuffers.of(data, true, false));
    }

    /** The value at {@code flatIndex} (row-major). */
    public float get(int flatIndex) {
        return data[flatIndex];
    }

    /**
     * The largest {@code |this - other|} over all elements; {@code +Infinity} if a value is NaN in one and not the
     * other, or infinite with a different value.
     *
     * @throws IllegalArgumentException if the shapes differ
     */
    public double maxAbsDiff(FloatValues other) {
        if (!shape.equals(other.shape)) {
            throw new IllegalArgumentException(
                    "other: shape " + Dtypes.shape(other.shape) + " differs from " + Dtypes.shape(shape));
        }
        double max = 0;
        for (int i = 0; i < data.length; i++) {
            float a = data[i];
            float b = other.data[i];
            if (Float.compare(a, b) == 0) {
                continue;
            }
            double d = Math.abs((double) a - (double) b);
            if (Double.isNaN(d)) {
                d = Double.POSITIVE_INFINITY;
            }
            max = Math.max(max, d);
        }
        return max;
    }
}
