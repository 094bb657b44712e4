/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.slim.ModelVariable;
import dev.slimport.resnet.testing.Graphs;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.Ref;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Slim's UPDATE_OPS run by the train step: every moving mean and variance moves by {@code moving -= (moving -
 * batch)·(1 - 0.997)} from the batch statistics of its layer's input, computed here in plain Java (mean over N·H·W,
 * Bessel-corrected variance); and an inference graph built with {@code reuse(true)} in the same graph normalizes
 * with exactly those updated statistics.
 */
class UpdateOpsTest {
    private static final int BATCH = 4;
    private static final int SIZE = 64;
    private static final double DECAY = 0.997;
    /** slim's epsilon 1e-5, raised to the fused kernel's minimum as TensorFlow's fused_batch_norm wrapper does. */
    private static final double EPSILON = 1.001e-5;

    @Test
    void trainStepMovesEveryStatisticByTheDecayRuleAndInferenceUsesThem() {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = TrainingGraphTest.smallTrainingNet(tf, BATCH, SIZE);
            TrainingGraph t = TrainingGraph.builder(m).learningRate(0.05).build(tf);
            Map<String, GraphOperation> batchNorms = new LinkedHashMap<>();
            for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
                GraphOperation op = it.next();
                if (op.type().equals("FusedBatchNormV3")) {
                    assertThat(op.attributes().getAttrBool("is_training"))
                            .as(op.name())
                            .isTrue();
                    batchNorms.put(op.name().substring(0, op.name().length() - "/FusedBatchNormV3".length()), op);
                }
            }
            // smallBlocks(): 2 + 2 units with 3 batch norms each (preact, conv1, conv2), and postnorm
            assertThat(batchNorms).hasSize(3 * (2 + 2) + 1);
            assertThat(m.movingStatistics()).hasSize(2 * batchNorms.size());
            assertThat(m.updateOps()).hasSize(2 * batchNorms.size());
            s.initialize();
            SplittableRandom rnd = new SplittableRandom(5);
            try (TFloat32 x1 = images(rnd);
                    TFloat32 x2 = images(rnd);
                    TInt32 y = Tensors.labels(0, 1, 2, 1)) {
                t.trainStep(s, x1, y);
                Map<String, float[]> before = values(s, m.movingStatistics());

                Session.Runner r =
                        s.runner().feed(t.images(), x2).feed(t.labels(), y).fetch(t.trainOp());
                List<String> scopes = new ArrayList<>(batchNorms.keySet());
                List<float[]> inputs = new ArrayList<>();
                List<Integer> fromImages = new ArrayList<>();
                for (String scope : scopes) {
                    GraphOperation bn = batchNorms.get(scope);
                    if (bn.input(0).op().equals(m.images().op())) {
                        fromImages.add(scopes.indexOf(scope));
                    } else {
                        r.fetch(bn.input(0));
                    }
                }
                try (Result res = r.run()) {
                    int k = 1;
                    for (int i = 0; i < scopes.size(); i++) {
                        inputs.add(fromImages.contains(i) ? Tensors.floats(x2) : Tensors.floats(res.get(k++)));
                    }
                }
                Map<String, float[]> after = values(s, m.movingStatistics());

                double worstMean = 0;
                double worstVar = 0;
                for (int i = 0; i < scopes.size(); i++) {
                    String scope = scopes.get(i);
                    float[] mean0 = before.get(scope + "/moving_mean");
                    float[] var0 = before.get(scope + "/moving_variance");
                    float[] mean1 = after.get(scope + "/moving_mean");
                    float[] var1 = after.get(scope + "/moving_variance");
                    double[][] stats = batchStatistics(inputs.get(i), mean0.length);
                    for (int c = 0; c < mean0.length; c++) {
                        double expectedMean = mean0[c] - (mean0[c] - stats[0][c]) * (1 - DECAY);
                        double expectedVar = var0[c] - (var0[c] - stats[1][c]) * (1 - DECAY);
                        assertThat((double) mean1[c])
                                .as("%s/moving_mean[%d]", scope, c)
                                .isCloseTo(expectedMean, offset(1e-6 * Math.max(1, Math.abs(expectedMean))));
                        assertThat((double) var1[c])
                                .as("%s/moving_variance[%d]", scope, c)
                                .isCloseTo(expectedVar, offset(1e-6 * Math.max(1, expectedVar)));
                        // The change itself, to a precision that separates 0.997 from 0.996/0.998 and biased from
                        // unbiased.
                        assertThat((double) mean1[c] - mean0[c])
                                .as("%s/moving_mean[%d] change", scope, c)
                                .isCloseTo(
                                        expectedMean - mean0[c],
                                        offset(1e-2 * Math.abs(expectedMean - mean0[c])
                                                + 2e-7 * Math.max(1, Math.abs(mean0[c]))));
                        worstMean = Math.max(worstMean, Math.abs(mean1[c] - expectedMean));
                        worstVar = Math.max(worstVar, Math.abs(var1[c] - expectedVar));
                    }
                }

                Operand<TFloat32> images2 = tf.withName("eval_images")
                        .placeholder(
                                TFloat32.class,
                                org.tensorflow.op.core.Placeholder.shape(Shape.of(BATCH, SIZE, SIZE, 3)));
                ResNetModel inference = ResNetV2.builder(TrainingGraphTest.smallBlocks())
                        .spec(n -> n.withNumClasses(3))
                        .isTraining(false)
                        .reuse(true)
                        .build(tf, images2);
                assertThat(inference.variables())
                        .extracting(v -> v.variable().op())
                        .containsExactlyElementsOf(m.variables().stream()
                                .map(v -> v.variable().op())
                                .toList());
                checkInferenceUsesMovingStatistics(s, g, inference, x2, after);
            }
        }
    }

    /** Every inference batch norm computes gamma·(x - moving_mean)/sqrt(moving_variance + eps) + beta. */
    private static void checkInferenceUsesMovingStatistics(
            Session s, Graph g, ResNetModel inference, TFloat32 x, Map<String, float[]> moving) {
        Map<String, ModelVariable> byName =
                inference.variables().stream().collect(Collectors.toMap(ModelVariable::name, v -> v));
        int checked = 0;
        for (ModelVariable mean : inference.movingStatistics()) {
            if (!mean.name().endsWith("/moving_mean")) {
                continue;
            }
            String scope = mean.name().substring(0, mean.name().length() - "/moving_mean".length());
            GraphOperation read = (GraphOperation) mean.value().op();
            GraphOperation bn = read.consumers().stream()
                    .filter(op -> op.type().equals("FusedBatchNormV3"))
                    .findFirst()
                    .orElseThrow();
            assertThat(bn.attributes().getAttrBool("is_training")).isFalse();
            Session.Runner r = s.runner().feed(inference.images(), x).fetch(bn.output(0));
            boolean onImages = bn.input(0).op().equals(inference.images().op());
            if (!onImages) {
                r.fetch(bn.input(0));
            }
            r.fetch(byName.get(scope + "/gamma").value())
                    .fetch(byName.get(scope + "/beta").value());
            try (Result res = r.run()) {
                float[] y = Tensors.floats(res.get(0));
                int k = 1;
                float[] in = onImages ? Tensors.floats(x) : Tensors.floats(res.get(k++));
                float[] gamma = Tensors.floats(res.get(k++));
                float[] beta = Tensors.floats(res.get(k));
                float[] mm = moving.get(scope + "/moving_mean");
                float[] mv = moving.get(scope + "/moving_variance");
                int c = mm.length;
                double separation = 0;
                for (int i = 0; i < in.length; i++) {
                    int ch = i % c;
                    double expected = gamma[ch] * (in[i] - mm[ch]) / Math.sqrt(mv[ch] + EPSILON) + beta[ch];
                    double initial = gamma[ch] * in[i] / Math.sqrt(1 + EPSILON) + beta[ch];
                    assertThat((double) y[i])
                            .as("%s y[%d]", scope, i)
                            .isCloseTo(expected, offset(2e-5 * (1 + Math.abs(expected))));
                    separation = Math.max(separation, Math.abs(expected - initial) / (1 + Math.abs(expected)));
                }
                assertThat(separation)
                        .as("%s: updated vs initial statistics", scope)
                        .isGreaterThan(1e-3);
            }
            checked++;
        }
        assertThat(checked).isEqualTo(inference.movingStatistics().size() / 2);
    }

    /** Per-channel mean and Bessel-corrected variance of an NHWC tensor (channels last), in double ({@link Ref}). */
    static double[][] batchStatistics(float[] x, int channels) {
        Nhwc t = new Nhwc(new long[] {1, 1, x.length / channels, channels}, x);
        long n = x.length / channels;
        double[] var = Ref.channelVariance(t);
        for (int c = 0; c < channels; c++) {
            var[c] *= (double) n / (n - 1);
        }
        return new double[][] {Ref.channelMean(t), var};
    }

    private static Map<String, float[]> values(Session s, List<ModelVariable> vars) {
        Map<String, float[]> out = new LinkedHashMap<>();
        Graphs.values(s, vars).forEach((name, v) -> out.put(name, v.data()));
        return out;
    }

    private static TFloat32 images(SplittableRandom rnd) {
        return Tensors.tensor(Shape.of(BATCH, SIZE, SIZE, 3), Tensors.gaussian(rnd, BATCH * SIZE * SIZE * 3, 0.5, 2));
    }
}
