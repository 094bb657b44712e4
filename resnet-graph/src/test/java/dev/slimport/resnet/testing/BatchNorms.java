/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

import dev.slimport.resnet.slim.ModelVariable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Non-trivial batch-norm statistics for tests: a freshly initialized net has gamma 1, beta 0, moving mean 0 and
 * moving variance 1, under which folding, export and restore bugs in the batch norms stay invisible.
 */
public final class BatchNorms {
    private BatchNorms() {}

    /**
     * Ranges of the uniform draws.
     *
     * @param gamma low and high of gamma
     * @param shift low and high of beta and the moving mean
     * @param variance low and high of the moving variance
     */
    public record Ranges(float[] gamma, float[] shift, float[] variance) {}

    /** gamma in [0.5, 1.5), beta and moving mean in [-0.5, 0.5), moving variance in [0.25, 2). */
    public static final Ranges WIDE =
            new Ranges(new float[] {0.5f, 1.5f}, new float[] {-0.5f, 0.5f}, new float[] {0.25f, 2f});

    /** gamma in [0.8, 1.2), beta and moving mean in [-0.2, 0.2), moving variance in [0.5, 1.5). */
    public static final Ranges NARROW =
            new Ranges(new float[] {0.8f, 1.2f}, new float[] {-0.2f, 0.2f}, new float[] {0.5f, 1.5f});

    /**
     * Assigns every batch-norm variable among {@code variables} uniform values from {@code ranges}, drawn from
     * {@code seed} in the variables' order, by running assign ops added under the scope {@code randomize}.
     */
    public static void randomize(
            Graph graph, Session session, List<ModelVariable> variables, long seed, Ranges ranges) {
        Ops tf = Ops.create(graph).withSubScope("randomize");
        SplittableRandom random = new SplittableRandom(seed);
        List<Op> assigns = new ArrayList<>();
        List<TFloat32> values = new ArrayList<>();
        try {
            for (ModelVariable v : variables) {
                float[] range = switch (v.role()) {
                    case GAMMA -> ranges.gamma();
                    case BETA, MOVING_MEAN -> ranges.shift();
                    case MOVING_VARIANCE -> ranges.variance();
                    default -> null;
                };
                if (range != null) {
                    TFloat32 t = uniform(v.shape(), random.nextLong(), range[0], range[1]);
                    values.add(t);
                    assigns.add(tf.assign(v.variable(), tf.constantOf(t)));
                }
            }
            Session.Runner runner = session.runner();
            assigns.forEach(runner::addTarget);
            runner.run().close();
        } finally {
            values.forEach(TFloat32::close);
        }
    }

    private static TFloat32 uniform(Shape shape, long seed, float low, float high) {
        SplittableRandom r = new SplittableRandom(seed);
        TFloat32 t = TFloat32.tensorOf(shape);
        long n = shape.size();
        for (long i = 0; i < n; i++) {
            t.setFloat(
                    low + (high - low) * (float) r.nextDouble(),
                    shape.numDimensions() == 0 ? new long[0] : unravel(i, shape));
        }
        return t;
    }

    private static long[] unravel(long flat, Shape shape) {
        long[] idx = new long[shape.numDimensions()];
        for (int d = idx.length - 1; d >= 0; d--) {
            idx[d] = flat % shape.size(d);
            flat /= shape.size(d);
        }
        return idx;
    }
}
