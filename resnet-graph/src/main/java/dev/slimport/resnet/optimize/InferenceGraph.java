/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.optimize;

import dev.slimport.resnet.init.Initializer;
import dev.slimport.resnet.init.Regularizer;
import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.slim.ArgScope;
import dev.slimport.resnet.slim.BatchNormArgs;
import dev.slimport.resnet.slim.Conv2dArgs;
import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.slim.Layers;
import dev.slimport.resnet.slim.ModelVariable;
import dev.slimport.resnet.slim.ModelWeights;
import dev.slimport.resnet.slim.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The optimization step, separate from the port: the inference graph of a network whose weights are known (read from
 * a session where a slim checkpoint was restored, or {@link #initialWeights}), and the loading of those weights into a
 * session. Run the session's initializers, then {@link #loadWeights}.
 *
 * <p>{@link #foldBatchNorms} folds each batch norm that follows a convolution (every unit's conv1 and conv2) into
 * that convolution. A folded convolution is exactly slim's {@code conv2d(normalizer_fn=None)} with kernel {@code w·s}
 * and biases {@code o} ({@code s = gamma / sqrt(moving_variance + eps)}, {@code o = beta - moving_mean·s}), so the
 * folded network is the port itself built in the network's arg scope with {@code normalizer_fn=None}: the
 * convolutions that set their normalizer explicitly (shortcut, conv3, the root conv1, the logits) have none anyway.
 * It runs as Conv2D + BiasAdd (+ ReLU), its variables are {@code .../conv1/weights} and {@code .../conv1/biases}, and
 * the pre-activation and postnorm batch norms, which follow no convolution, stay inference-mode {@code
 * FusedBatchNormV3}. Its logits equal the unfolded graph's up to float rounding.
 *
 * <p>Both graphs are built with zero initializers and no regularizers (the values come from the weights), and hold,
 * beneath the model's scope, a placeholder and an assign per variable for the loading.
 */
public final class InferenceGraph {
    private static final int FEED_CHUNK = 64;

    private final ResNetModel model;
    private final List<Load> loads = new ArrayList<>();
    private boolean loaded;

    private record Load(Placeholder<TFloat32> feed, Op assign, ModelWeights.Value value) {}

    private InferenceGraph(Ops tf, ResNetModel model, Map<ModelVariable, ModelWeights.Value> values) {
        this.model = model;
        Ops load = tf.withSubScope(model.scope()).withSubScope("load_weights");
        values.forEach((v, value) -> {
            Placeholder<TFloat32> feed = load.placeholder(TFloat32.class, Placeholder.shape(v.shape()));
            loads.add(new Load(feed, load.assign(v.variable(), feed), value));
        });
    }

    /** Slim's graph as built, its variables keeping their seeded initializers: {@link #loadWeights} loads nothing. */
    public static InferenceGraph verbatim(ResNetModel model) {
        return new InferenceGraph(Ops.create(model.graph()), model, Map.of());
    }

    /**
     * Builds {@code network} on {@code images} with its batch norms folded, the values computed from {@code weights}
     * (the unfolded network's, by slim name). {@code network} itself is not changed.
     *
     * @throws IllegalArgumentException for a training-mode network, or weights that lack a variable of the network or
     *     hold it with another shape
     */
    public static InferenceGraph foldBatchNorms(
            ResNetV2.Builder network, ModelWeights weights, Ops tf, Operand<TFloat32> images) {
        requireWeights(weights);
        if (network.isTraining()) {
            throw new IllegalArgumentException(
                    "network: folding batch norms needs isTraining(false) (moving statistics)");
        }
        ArgScope args = network.argScope();
        ArgScope bn = args.with(args.get(Conv2dArgs.NORMALIZER).params());
        double epsilon = Math.max(bn.get(BatchNormArgs.EPSILON), Layers.MIN_FUSED_EPSILON);
        ResNetModel model = network.copy()
                .argScope(inferenceArgs(args).with(Conv2dArgs.NORMALIZER.of(Normalizer.NONE)))
                .build(tf, images);
        return new InferenceGraph(tf, model, foldedValues(weights, model.variables(), epsilon));
    }

    /**
     * Builds {@code network} on {@code images} as slim's graph, its variables to take {@code weights}' values.
     *
     * @throws IllegalArgumentException for weights that lack a variable of the network or hold it with another shape
     */
    public static InferenceGraph withWeights(
            ResNetV2.Builder network, ModelWeights weights, Ops tf, Operand<TFloat32> images) {
        requireWeights(weights);
        ResNetModel model =
                network.copy().argScope(inferenceArgs(network.argScope())).build(tf, images);
        Map<ModelVariable, ModelWeights.Value> values = new LinkedHashMap<>();
        model.variables().forEach(v -> values.put(v, weights.get(v.name(), v.shape())));
        return new InferenceGraph(tf, model, values);
    }

    /**
     * The seeded initial weights of slim's graph for {@code network}: built float32 NHWC on {@code [1, height, width,
     * 3]} in a scratch graph, initialized on the CPU and read.
     */
    public static ModelWeights initialWeights(ResNetV2.Builder network, long height, long width) {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = network.copy()
                    .spec(n -> n.withDataFormat(DataFormat.NHWC).withPrecision(Precision.FP32))
                    .build(tf, ResNetV2.imagesPlaceholder(tf, 1, height, width));
            s.initialize();
            return ModelWeights.read(s, m.variables());
        }
    }

    /** The built network. */
    public ResNetModel model() {
        return model;
    }

    /**
     * Assigns the values to the variables (after the session ran the initializers), then releases them. Feeds at
     * most 64 tensors per run, each closed right after.
     *
     * @throws IllegalStateException when the values were already loaded (and released) once
     */
    public synchronized void loadWeights(Session session) {
        if (loaded) {
            throw new IllegalStateException("loadWeights: the weights were loaded into a session already and released;"
                    + " build the graph again to load them into another session");
        }
        for (int from = 0; from < loads.size(); from += FEED_CHUNK) {
            List<TFloat32> tensors = new ArrayList<>();
            try {
                Session.Runner r = session.runner();
                for (Load l : loads.subList(from, Math.min(loads.size(), from + FEED_CHUNK))) {
                    TFloat32 t = TFloat32.tensorOf(
                            l.value().shape(), DataBuffers.of(l.value().data(), true, false));
                    tensors.add(t);
                    r.feed(l.feed(), t).addTarget(l.assign());
                }
                r.run().close();
            } finally {
                tensors.forEach(TFloat32::close);
            }
        }
        loads.clear();
        loaded = true;
    }

    /**
     * The per-channel scale and offset.
     *
     * @param scale {@code s}
     * @param offset {@code o}
     */
    private record Affine(float[] scale, float[] offset) {}

    /**
     * The value of every variable of the folded network, shape-checked, computed in double: for {@code <conv>/weights}
     * and {@code <conv>/biases} of a convolution whose batch norm {@code <conv>/BatchNorm} is in {@code source}, the
     * folded kernel and bias; for every other variable its value in {@code source} as is.
     *
     * @param epsilon the batch norms' epsilon (as the fused kernel uses it)
     */
    private static Map<ModelVariable, ModelWeights.Value> foldedValues(
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

    /** The affine form of the batch norm in scope {@code bnScope} (gamma 1 without scale, beta 0 without center). */
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

    private static ArgScope inferenceArgs(ArgScope args) {
        return args.with(
                Conv2dArgs.WEIGHTS_INITIALIZER.of(Initializer.zeros()),
                Conv2dArgs.BIASES_INITIALIZER.of(Initializer.zeros()),
                Conv2dArgs.WEIGHTS_REGULARIZER.of(Regularizer.NONE));
    }

    private static void requireWeights(ModelWeights weights) {
        if (weights == null) {
            throw new IllegalArgumentException("weights: the network's weights are required, got null");
        }
    }
}
