/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.net.BlockSpec;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.slim.ModelVariable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;

/**
 * The graph's analytic gradients of the training loss ({@link TrainingGraph#gradients()}, TensorFlow's gradient
 * registry) against central finite differences, for every scalar of every trainable variable of tiny networks: one
 * v2 bottleneck unit (base depth 1, 8×8 inputs, inference-mode batch norm), an atrous unit (output_stride 1 runs
 * block2's 3×3 conv at rate 2, through SpaceToBatchND) and the bottleneck in training mode (batch statistics).
 *
 * <p>Numerics, because the network runs in float32:
 *
 * <ul>
 *   <li>Every variable (moving statistics included) is set to seeded random values by feeding its {@code read}
 *       tensor; nothing is assigned, so each evaluation point is exact. Moving statistics are calibrated to the
 *       data and batch-norm offsets drawn at about twice the scale, so most ReLU inputs sit away from 0.
 *   <li>The loss whose differences are taken is the spec, computed in double in Java from the graph's logits: mean
 *       softmax cross-entropy plus 1e-4·Σw²/2 over the conv weights. Its rounding noise is about 5e-7/h.
 *   <li>A central difference across a ReLU kink is not a derivative: the signs of all ReLU inputs at w-h and w+h
 *       must agree, else a smaller step is tried; a weight with a kink at every step is not compared.
 *   <li>Per weight, |analytic - numeric| ≤ 1e-2·max(|analytic|, |numeric|, floor), where the floor (1.5e-4/h) keeps
 *       the rounding noise below a third of the tolerance; gradients above it are compared purely relatively.
 * </ul>
 */
class GradientCheckTest {
    private static final int BATCH = 2;
    private static final int SIZE = 8;
    private static final int CLASSES = 3;
    private static final int[] LABELS = {0, 2};
    private static final double TOLERANCE = 1e-2;
    private static final float[] INFERENCE_STEPS = {3e-2f, 1e-2f, 3e-3f};
    private static final float[] TRAINING_STEPS = {1e-2f, 3e-3f};

    @Test
    void oneBottleneckWithInferenceBatchNorm() {
        Summary s = check(
                b -> b.includeRootBlock(false).isTraining(false),
                List.of(BlockSpec.resnetV2Block("block1", 1, 1, 1)),
                INFERENCE_STEPS,
                11);
        assertThat(s.variables())
                .contains(
                        "resnet_v2/block1/unit_1/bottleneck_v2/preact/gamma",
                        "resnet_v2/block1/unit_1/bottleneck_v2/shortcut/weights",
                        "resnet_v2/block1/unit_1/bottleneck_v2/conv2/weights",
                        "resnet_v2/block1/unit_1/bottleneck_v2/conv2/BatchNorm/beta",
                        "resnet_v2/logits/weights");
        s.assertAllVariablesInformative();
    }

    @Test
    void atrousUnitThroughSpaceToBatch() {
        Summary s = check(
                b -> b.includeRootBlock(false).isTraining(false).spec(n -> n.withOutputStride(1)),
                List.of(BlockSpec.resnetV2Block("block1", 1, 1, 2), BlockSpec.resnetV2Block("block2", 1, 1, 1)),
                INFERENCE_STEPS,
                12);
        assertThat(s.atrousConvolutions()).contains("resnet_v2/block2/unit_1/bottleneck_v2/conv2/SpaceToBatchND");
        assertThat(s.variables()).contains("resnet_v2/block2/unit_1/bottleneck_v2/conv2/weights");
        assertThat(s.informative().get("resnet_v2/block2/unit_1/bottleneck_v2/conv2/weights"))
                .isPositive();
        s.assertMostlyInformative();
    }

    @Test
    void oneBottleneckWithTrainingBatchNorm() {
        Summary s = check(
                b -> b.includeRootBlock(false).isTraining(true),
                List.of(BlockSpec.resnetV2Block("block1", 1, 1, 1)),
                TRAINING_STEPS,
                13);
        // A bias added before a training-mode batch norm is cancelled by the batch mean: its gradient is exactly 0.
        assertThat(s.maxAbsGradient().get("resnet_v2/block1/unit_1/bottleneck_v2/conv3/biases"))
                .isLessThan(1e-5);
        assertThat(s.informative().get("resnet_v2/block1/unit_1/bottleneck_v2/conv2/weights"))
                .isPositive();
        assertThat(s.informative().get("resnet_v2/postnorm/gamma")).isPositive();
    }

    /** Per-variable counts of compared weights and of those compared relatively (|gradient| above the floor). */
    private record Summary(
            Map<String, Integer> compared,
            Map<String, Integer> informative,
            Map<String, Double> maxAbsGradient,
            List<String> atrousConvolutions) {

        List<String> variables() {
            return List.copyOf(compared.keySet());
        }

        void assertAllVariablesInformative() {
            compared.keySet()
                    .forEach(v -> assertThat(informative.get(v))
                            .as("relatively compared weights of %s", v)
                            .isPositive());
        }

        void assertMostlyInformative() {
            compared.forEach(
                    (v, n) -> assertThat(n).as("compared weights of %s", v).isPositive());
            int all = compared.values().stream().mapToInt(Integer::intValue).sum();
            int rel = informative.values().stream().mapToInt(Integer::intValue).sum();
            assertThat(rel).as("relatively compared weights").isGreaterThanOrEqualTo(all * 3 / 4);
        }
    }

    private static Summary check(
            UnaryOperator<ResNetV2.Builder> config, List<BlockSpec> blocks, float[] steps, long seed) {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = config.apply(ResNetV2.builder(blocks).spec(n -> n.withNumClasses(CLASSES)))
                    .build(tf, ResNetV2.imagesPlaceholder(tf, BATCH, SIZE, SIZE));
            TrainingGraph t = TrainingGraph.builder(m).build(tf);
            s.initialize();
            SplittableRandom rnd = new SplittableRandom(seed);
            Point p = new Point(m, t, Tensors.gaussian(rnd, BATCH * SIZE * SIZE * 3, 0, 1));
            for (ModelVariable v : m.variables()) {
                int n = (int) v.size();
                p.values.put(
                        v,
                        switch (v.role()) {
                            case WEIGHTS ->
                                Tensors.gaussian(rnd, n, 0, v.name().endsWith("logits/weights") ? 1.0 : 0.5);
                            case BIASES -> Tensors.gaussian(rnd, n, 0, 0.2);
                            case GAMMA -> Tensors.uniform(rnd, n, 1.0, 1.5);
                            case BETA -> Tensors.uniform(rnd, n, 2.0, 3.0);
                            case MOVING_MEAN -> new float[n];
                            case MOVING_VARIANCE -> Tensors.uniform(rnd, n, 1.0, 1.0);
                        });
            }
            List<String> atrous = new ArrayList<>();
            List<Operand<?>> reluInputs = new ArrayList<>();
            List<GraphOperation> batchNorms = new ArrayList<>();
            for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
                GraphOperation op = it.next();
                switch (op.type()) {
                    case "Relu" -> reluInputs.add(op.input(0));
                    case "SpaceToBatchND" -> atrous.add(op.name());
                    case "FusedBatchNormV3" -> batchNorms.add(op);
                    case "Conv2D" ->
                        assertThat(op.attributes().getAttrIntList("dilations"))
                                .as(op.name())
                                .containsOnly(1L);
                    default -> {}
                }
            }
            if (!m.isTraining()) {
                calibrateMovingStatistics(s, p, batchNorms);
            }

            List<float[]> analytic = p.gradients(s);
            Map<String, Integer> compared = new LinkedHashMap<>();
            Map<String, Integer> informative = new LinkedHashMap<>();
            Map<String, Double> maxAbs = new LinkedHashMap<>();
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < t.updates().size(); i++) {
                ModelVariable v = t.updates().get(i).variable();
                float[] w = p.values.get(v);
                float[] a = analytic.get(i);
                compared.put(v.name(), 0);
                informative.put(v.name(), 0);
                maxAbs.put(v.name(), 0.0);
                for (int j = 0; j < w.length; j++) {
                    maxAbs.merge(v.name(), (double) Math.abs(a[j]), Math::max);
                    for (float h : steps) {
                        float w0 = w[j];
                        w[j] = w0 + h;
                        Probe plus = p.probe(s, reluInputs);
                        w[j] = w0 - h;
                        Probe minus = p.probe(s, reluInputs);
                        w[j] = w0;
                        if (!plus.sameReluSigns(minus)) {
                            continue;
                        }
                        double numeric = (plus.loss() - minus.loss()) / ((double) (w0 + h) - (double) (w0 - h));
                        double floor = 1.5e-4 / h;
                        double scale = Math.max(Math.max(Math.abs(a[j]), Math.abs(numeric)), floor);
                        compared.merge(v.name(), 1, Integer::sum);
                        if (Math.abs(a[j]) >= floor) {
                            informative.merge(v.name(), 1, Integer::sum);
                        }
                        if (Math.abs(a[j] - numeric) > TOLERANCE * scale) {
                            failures.add(String.format(
                                    "%s[%d] h=%g analytic=%.6e numeric=%.6e", v.name(), j, h, a[j], numeric));
                        }
                        break;
                    }
                }
            }
            assertThat(failures)
                    .as("weights whose gradient differs from the central difference")
                    .isEmpty();
            return new Summary(compared, informative, maxAbs, atrous);
        }
    }

    /**
     * Sets each inference-mode batch norm's moving mean and variance to the statistics of its input at this point,
     * layer by layer in graph order, so normalized values are centred and the offsets keep ReLU inputs positive.
     */
    private static void calibrateMovingStatistics(Session s, Point p, List<GraphOperation> batchNorms) {
        for (GraphOperation bn : batchNorms) {
            ModelVariable mean = p.variableRead(bn.input(3));
            ModelVariable variance = p.variableRead(bn.input(4));
            float[] x = p.images;
            if (!bn.input(0).op().equals(p.model.images().op())) {
                try (Feeds f = p.feeds();
                        Result r = f.feed(s.runner()).fetch(bn.input(0)).run()) {
                    x = Tensors.floats(r.get(0));
                }
            }
            int c = (int) mean.size();
            double[] mu = new double[c];
            double[] var = new double[c];
            for (int i = 0; i < x.length; i++) {
                mu[i % c] += x[i] * (double) c / x.length;
            }
            for (int i = 0; i < x.length; i++) {
                var[i % c] += Math.pow(x[i] - mu[i % c], 2) * c / x.length;
            }
            for (int k = 0; k < c; k++) {
                p.values.get(mean)[k] = (float) mu[k];
                p.values.get(variance)[k] = (float) Math.max(var[k], 1e-3);
            }
        }
    }

    /** The loss (in double) and the ReLU inputs at one point. */
    private record Probe(double loss, List<float[]> reluInputs) {
        boolean sameReluSigns(Probe o) {
            for (int i = 0; i < reluInputs.size(); i++) {
                float[] x = reluInputs.get(i);
                float[] y = o.reluInputs.get(i);
                for (int k = 0; k < x.length; k++) {
                    if ((x[k] > 0) != (y[k] > 0)) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /** One evaluation point: the values of every variable and the images; labels are {@link #LABELS}. */
    private static final class Point {
        final ResNetModel model;
        final TrainingGraph training;
        final float[] images;
        final Map<ModelVariable, float[]> values = new LinkedHashMap<>();

        Point(ResNetModel model, TrainingGraph training, float[] images) {
            this.model = model;
            this.training = training;
            this.images = images;
        }

        ModelVariable variableRead(org.tensorflow.Output<?> read) {
            return model.variables().stream()
                    .filter(v -> v.value().op().equals(read.op()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(
                            "not a variable read: " + read.op().name()));
        }

        Feeds feeds() {
            return new Feeds(this);
        }

        List<float[]> gradients(Session s) {
            List<float[]> out = new ArrayList<>();
            try (Feeds f = feeds()) {
                Session.Runner r = f.feed(s.runner());
                training.gradients().forEach(r::fetch);
                try (Result res = r.run()) {
                    for (int i = 0; i < training.gradients().size(); i++) {
                        out.add(Tensors.floats(res.get(i)));
                    }
                }
            }
            return out;
        }

        /** Softmax cross-entropy (mean) of the graph's logits plus 1e-4·Σw²/2 over the conv weights, in double. */
        Probe probe(Session s, List<Operand<?>> reluInputs) {
            try (Feeds f = feeds()) {
                Session.Runner r = f.feed(s.runner()).fetch(model.logits().orElseThrow());
                reluInputs.forEach(r::fetch);
                try (Result res = r.run()) {
                    float[] z = Tensors.floats(res.get(0));
                    double loss = 0;
                    for (int b = 0; b < BATCH; b++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int k = 0; k < CLASSES; k++) {
                            max = Math.max(max, z[b * CLASSES + k]);
                        }
                        double sum = 0;
                        for (int k = 0; k < CLASSES; k++) {
                            sum += Math.exp(z[b * CLASSES + k] - max);
                        }
                        loss += (max + Math.log(sum) - z[b * CLASSES + LABELS[b]]) / BATCH;
                    }
                    for (Map.Entry<ModelVariable, float[]> e : values.entrySet()) {
                        if (e.getKey().name().endsWith("/weights")) {
                            for (float w : e.getValue()) {
                                loss += 1e-4 * w * (double) w / 2;
                            }
                        }
                    }
                    List<float[]> relu = new ArrayList<>();
                    for (int i = 0; i < reluInputs.size(); i++) {
                        relu.add(Tensors.floats(res.get(i + 1)));
                    }
                    return new Probe(loss, relu);
                }
            }
        }
    }

    /** Feeds every variable's read tensor, the images and the labels of a {@link Point}; owns the fed tensors. */
    private static final class Feeds implements AutoCloseable {
        private final List<Tensor> owned = new ArrayList<>();
        private final List<Operand<?>> targets = new ArrayList<>();

        Feeds(Point p) {
            for (Map.Entry<ModelVariable, float[]> e : p.values.entrySet()) {
                owned.add(Tensors.tensor(e.getKey().shape(), e.getValue()));
                targets.add(e.getKey().value());
            }
            owned.add(Tensors.tensor(p.model.images().shape(), p.images));
            targets.add(p.model.images());
            owned.add(Tensors.labels(LABELS));
            targets.add(p.training.labels());
        }

        Session.Runner feed(Session.Runner r) {
            for (int i = 0; i < owned.size(); i++) {
                r.feed(targets.get(i), owned.get(i));
            }
            return r;
        }

        @Override
        public void close() {
            owned.forEach(Tensor::close);
        }
    }
}
