/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.slim.ModelVariable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Small helpers for running graphs in tests; every native object is closed before returning. */
public final class Graphs {
    private Graphs() {}

    /** Runs {@code fetches} with {@code feeds} and copies the float results out. */
    public static List<Nhwc> run(Session s, Map<Operand<TFloat32>, Nhwc> feeds, List<? extends Operand<?>> fetches) {
        List<Tensor> inputs = new ArrayList<>();
        try {
            Session.Runner r = s.runner();
            for (Map.Entry<Operand<TFloat32>, Nhwc> e : feeds.entrySet()) {
                TFloat32 t = e.getValue().toTensor();
                inputs.add(t);
                r.feed(e.getKey(), t);
            }
            fetches.forEach(r::fetch);
            try (Result result = r.run()) {
                List<Nhwc> out = new ArrayList<>();
                for (int i = 0; i < fetches.size(); i++) {
                    out.add(Nhwc.of((TFloat32) result.get(i)));
                }
                return out;
            }
        } finally {
            inputs.forEach(Tensor::close);
        }
    }

    /** Runs one fetch. */
    public static Nhwc run(Session s, Map<Operand<TFloat32>, Nhwc> feeds, Operand<?> fetch) {
        return run(s, feeds, List.of(fetch)).get(0);
    }

    /** The number of operations in a graph. */
    public static int opCount(Graph g) {
        int n = 0;
        for (Iterator<?> it = g.operations(); it.hasNext(); it.next()) {
            n++;
        }
        return n;
    }

    /**
     * Assigns random values to every variable of the model: weights and biases from U(-a, a) scaled by the fan-in,
     * gamma in [0.5, 1.5], beta in [-0.5, 0.5], moving means in [-0.5, 0.5], moving variances in [0.5, 1.5] — so that
     * batch norm is not the identity and every variable matters.
     */
    public static void randomize(Session s, Ops tf, List<ModelVariable> variables, long seed) {
        Random r = new Random(seed);
        Session.Runner runner = s.runner();
        List<Tensor> values = new ArrayList<>();
        try {
            for (ModelVariable v : variables) {
                long[] shape = v.shape().asArray();
                float lo;
                float hi;
                switch (v.role()) {
                    case WEIGHTS, BIASES -> {
                        double fanIn = shape.length == 4 ? shape[0] * shape[1] * shape[2] : 16;
                        hi = (float) Math.sqrt(3.0 / fanIn);
                        lo = -hi;
                    }
                    case GAMMA, MOVING_VARIANCE -> {
                        lo = 0.5f;
                        hi = 1.5f;
                    }
                    default -> {
                        lo = -0.5f;
                        hi = 0.5f;
                    }
                }
                Nhwc value = Nhwc.uniform(r.nextLong(), lo, hi, shape);
                Placeholder<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape)));
                runner.addTarget(tf.assign(v.variable(), p));
                TFloat32 t = value.toTensor();
                values.add(t);
                runner.feed(p, t);
            }
            runner.run().close();
        } finally {
            values.forEach(Tensor::close);
        }
    }

    /** The current values of the model's variables, by slim name. */
    public static Map<String, Nhwc> values(Session s, ResNetModel model) {
        return values(s, model.variables());
    }

    /** The current values of these variables, by slim name. */
    public static Map<String, Nhwc> values(Session s, List<ModelVariable> vars) {
        List<Nhwc> out =
                run(s, Map.of(), vars.stream().map(ModelVariable::value).toList());
        Map<String, Nhwc> byName = new LinkedHashMap<>();
        for (int i = 0; i < vars.size(); i++) {
            byName.put(vars.get(i).name(), out.get(i));
        }
        return byName;
    }
}
