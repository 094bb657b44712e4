/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.init;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Port of slim's {@code variance_scaling_initializer(factor, mode, uniform)} ({@code
 * tf_slim/layers/initializers.py}).
 *
 * <p>With {@code n} the fan chosen by {@code mode} ({@code fan_in = shape[-2]·∏shape[:-2]}, {@code fan_out =
 * shape[-1]·∏shape[:-2]}, or their mean), the normal variant draws from a truncated normal (±2σ, resampled) with
 * {@code stddev = sqrt(1.3·factor/n)} — slim's 1.3 correction, not Keras' {@code 1/0.8796²}; the uniform variant
 * draws from {@code U(-sqrt(3·factor/n), +sqrt(3·factor/n))}. tensorflow-framework's {@code VarianceScaling} uses
 * another constant, so it is not used here.
 *
 * <p>Random numbers come from TensorFlow's stateless generators, seeded per variable, so the same model seed gives
 * the same values in every build.
 *
 * @param factor the scale factor (slim's default 2.0)
 * @param mode which fan to use
 * @param uniform uniform instead of truncated normal
 */
public record SlimVarianceScaling(double factor, Mode mode, boolean uniform) implements Initializer {

    /** Slim's {@code mode} argument. */
    public enum Mode {
        FAN_IN,
        FAN_OUT,
        FAN_AVG
    }

    /** Slim's correction for the variance lost to truncation at ±2σ. */
    public static final double TRUNCATION_CORRECTION = 1.3;

    /** The validated initializer. */
    public SlimVarianceScaling {
        if (!(factor >= 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor: must be a finite number >= 0, got " + factor);
        }
        if (mode == null) {
            throw new IllegalArgumentException("mode: must be one of FAN_IN, FAN_OUT, FAN_AVG, got null");
        }
    }

    /** Slim's defaults: {@code factor=2.0, mode='FAN_IN', uniform=False} (He initialization). */
    public static SlimVarianceScaling slimDefault() {
        return new SlimVarianceScaling(2.0, Mode.FAN_IN, false);
    }

    /** Slim's {@code xavier_initializer()}: {@code factor=1.0, mode='FAN_AVG', uniform=True}; conv2d's own default. */
    public static SlimVarianceScaling xavier() {
        return new SlimVarianceScaling(1.0, Mode.FAN_AVG, true);
    }

    /** The fan {@code n} for {@code shape} under this mode, as slim computes it. */
    public double fan(Shape shape) {
        long[] dims = shape.asArray();
        int n = dims.length;
        double receptive = 1;
        for (int i = 0; i < n - 2; i++) {
            receptive *= dims[i];
        }
        double fanIn = n == 0 ? 1 : dims[Math.max(0, n - 2)] * receptive;
        double fanOut = n == 0 ? 1 : dims[n - 1] * receptive;
        return switch (mode) {
            case FAN_IN -> fanIn;
            case FAN_OUT -> fanOut;
            case FAN_AVG -> (fanIn + fanOut) / 2.0;
        };
    }

    /** The truncated normal's stddev parameter, {@code sqrt(1.3·factor/n)}. */
    public double stddev(Shape shape) {
        return Math.sqrt(TRUNCATION_CORRECTION * factor / fan(shape));
    }

    /** The uniform variant's limit, {@code sqrt(3·factor/n)}. */
    public double limit(Shape shape) {
        return Math.sqrt(3.0 * factor / fan(shape));
    }

    @Override
    public Operand<TFloat32> create(Ops tf, Shape shape, long seed) {
        Operand<TInt64> dims = tf.constant(shape.asArray());
        Operand<TInt64> seeds = tf.constant(new long[] {seed, Long.rotateLeft(seed, 32) ^ 0x5DEECE66DL});
        if (uniform) {
            float limit = (float) limit(shape);
            Ops u = tf.withSubScope("random_uniform");
            Operand<TFloat32> unit = u.withName("StatelessRandomUniform").random.statelessRandomUniform(dims, seeds);
            // U(0,1) -> U(-limit, limit)
            return u.withName("add")
                    .math
                    .add(u.withName("mul").math.mul(unit, u.constant(2f * limit)), u.constant(-limit));
        }
        Ops t = tf.withSubScope("truncated_normal");
        Operand<TFloat32> unit = t.withName("StatelessTruncatedNormal").random.statelessTruncatedNormal(dims, seeds);
        return t.withName("mul").math.mul(unit, t.constant((float) stddev(shape)));
    }
}
