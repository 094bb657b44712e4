/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.slimport.resnet.net.ResNetArgScope;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.slim.Activation;
import dev.slimport.resnet.slim.ModelVariable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The loss the train step minimizes, recomputed in plain Java: the regularization term is slim's {@code
 * l2_regularizer(1e-4)} summed over exactly the conv weights, 1e-4·Σ sum(w²)/2 (no biases, no batch-norm
 * parameters, not Keras' Σw²), and the total is that plus the mean softmax cross-entropy of the logits.
 */
class LossTest {
    private static final int BATCH = 4;
    private static final int SIZE = 64;
    private static final int[] LABELS = {2, 0, 1, 2};

    @Test
    void regularizationIsHalfTheSquaredConvWeightsTimesWeightDecay() {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = TrainingGraphTest.smallTrainingNet(tf, BATCH, SIZE);
            TrainingGraph t = TrainingGraph.builder(m).build(tf);
            s.initialize();

            // Every variable gets a random nonzero value (fed to its read tensor), biases and BN parameters included,
            // so
            // a term over the wrong set of variables would show.
            SplittableRandom rnd = new SplittableRandom(9);
            List<Tensor> fed = new ArrayList<>();
            List<float[]> values = new ArrayList<>();
            Session.Runner r = s.runner();
            for (ModelVariable v : m.variables()) {
                float[] x = Tensors.gaussian(rnd, (int) v.size(), 0.5, 0.3);
                values.add(x);
                Tensor tensor = Tensors.tensor(v.shape(), x);
                fed.add(tensor);
                r.feed(v.value(), tensor);
            }
            double convWeights = 0;
            double everything = 0;
            int weightTensors = 0;
            for (int i = 0; i < values.size(); i++) {
                double sq = 0;
                for (float w : values.get(i)) {
                    sq += (double) w * w;
                }
                everything += sq;
                if (m.variables().get(i).name().endsWith("/weights")) {
                    convWeights += sq;
                    weightTensors++;
                }
            }
            double expectedReg = 1e-4 * convWeights / 2;

            float[] images = Tensors.gaussian(rnd, BATCH * SIZE * SIZE * 3, 0, 1);
            try (TFloat32 x = Tensors.tensor(Shape.of(BATCH, SIZE, SIZE, 3), images);
                    var y = Tensors.labels(LABELS);
                    Result res = r.feed(t.images(), x)
                            .feed(t.labels(), y)
                            .fetch(t.regularizationLoss())
                            .fetch(t.crossEntropyLoss())
                            .fetch(t.totalLoss())
                            .fetch(m.logits().orElseThrow())
                            .run()) {
                double reg = ((TFloat32) res.get(0)).getFloat();
                double xent = ((TFloat32) res.get(1)).getFloat();
                double total = ((TFloat32) res.get(2)).getFloat();
                float[] logits = Tensors.floats(res.get(3));

                assertThat(m.regularizationLosses()).hasSize(weightTensors);
                assertThat(reg).isCloseTo(expectedReg, offset(1e-6 * expectedReg));
                assertThat(Math.abs(reg - 1e-4 * everything / 2))
                        .as("a term over all variables")
                        .isGreaterThan(1e-3 * reg);
                assertThat(Math.abs(reg - 1e-4 * convWeights))
                        .as("Keras' l2 without the 1/2")
                        .isGreaterThan(0.4 * reg);

                double expectedXent = 0;
                for (int b = 0; b < BATCH; b++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < 3; k++) {
                        max = Math.max(max, logits[b * 3 + k]);
                    }
                    double sum = 0;
                    for (int k = 0; k < 3; k++) {
                        sum += Math.exp(logits[b * 3 + k] - max);
                    }
                    expectedXent += (max + Math.log(sum) - logits[b * 3 + LABELS[b]]) / BATCH;
                }
                assertThat(xent).isCloseTo(expectedXent, offset(1e-5 * Math.max(1, expectedXent)));
                assertThat(total).isCloseTo(xent + reg, offset(1e-6 * Math.max(1, total)));
            } finally {
                fed.forEach(Tensor::close);
            }
        }
    }

    @Test
    void zeroWeightDecayAddsNoRegularization() {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(TrainingGraphTest.smallBlocks())
                    .spec(n -> n.withNumClasses(3))
                    .argScope(ResNetArgScope.resnetArgScope(0, 0.997, 1e-5, true, Activation.RELU, true))
                    .build(tf, ResNetV2.imagesPlaceholder(tf, BATCH, SIZE, SIZE));
            TrainingGraph t = TrainingGraph.builder(m).build(tf);
            assertThat(m.regularizationLosses()).isEmpty();
            assertThat(Tensors.fetch(s, t.regularizationLoss())).containsExactly(0f);
        }
    }
}
