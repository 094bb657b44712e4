/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.train;

import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Plain-Java helpers for the training tests: float arrays in and out of tensors. */
final class Tensors {
    private Tensors() {}

    static float[] floats(Tensor t) {
        TFloat32 f = (TFloat32) t;
        float[] out = new float[(int) f.shape().size()];
        f.copyTo(DataBuffers.of(out, false, false));
        return out;
    }

    static TFloat32 tensor(Shape shape, float[] values) {
        return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
    }

    static TInt32 labels(int... values) {
        return TInt32.vectorOf(values);
    }

    /** Fetches one float32 operand as a flat array. */
    static float[] fetch(Session s, Operand<TFloat32> x) {
        try (Result r = s.runner().fetch(x).run()) {
            return floats(r.get(0));
        }
    }

    static float[] gaussian(SplittableRandom rnd, int n, double mean, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (mean + std * gauss(rnd));
        }
        return out;
    }

    static float[] uniform(SplittableRandom rnd, int n, double lo, double hi) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return out;
    }

    static double gauss(SplittableRandom rnd) {
        double u = 1.0 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
