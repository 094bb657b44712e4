/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.slim.ModelVariable;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One step of each optimizer against a plain-Java computation of TensorFlow's update (the kernels' formulas in
 * tensorflow/core/kernels/training_ops.cc), label smoothing against slim's formula, and trainable scopes. The model
 * has frozen batch norm ({@code isTraining(false)}), so the gradient fetched before the step is the step's.
 */
class OptimizerTest {
    private static final int[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1};

    /** w0, g (of the logits' biases), then w1 after one step of {@code t}. */
    private static float[][] oneStep(Session s, TrainingGraph t, double lr) {
        ModelVariable biases = last(t);
        try (TFloat32 x = TrainingGraphTest.randomImages(3);
                TInt32 y = Tensors.labels(LABELS)) {
            float[] w0 = Tensors.fetch(s, biases.value());
            float[] g;
            try (Result r = s.runner()
                    .feed(t.images(), x)
                    .feed(t.labels(), y)
                    .fetch(t.updates().get(t.updates().size() - 1).gradient())
                    .run()) {
                g = Tensors.floats(r.get(0));
            }
            t.trainStep(s, x, y, lr);
            return new float[][] {w0, g, Tensors.fetch(s, biases.value())};
        }
    }

    private static ModelVariable last(TrainingGraph t) {
        return t.updates().get(t.updates().size() - 1).variable();
    }

    @Test
    void rmspropStepIsTensorFlowsApplyRmsProp() {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = TrainingGraphTest.smallModel(tf, false);
            TrainingGraph t =
                    TrainingGraph.builder(m).optimizer(Optimizer.RMSPROP).build(tf);
            assertThat(last(t).name()).isEqualTo("resnet_v2/logits/biases");
            assertThat(g.operation("resnet_v2/logits/biases/RMSProp")).isNotNull();
            assertThat(g.operation("resnet_v2/logits/biases/RMSProp_1")).isNotNull();
            s.initialize();
            double lr = 0.1;
            float[][] r = oneStep(s, t, lr);
            for (int i = 0; i < r[0].length; i++) {
                double gi = r[1][i];
                double ms = 0.9 * 1.0 + 0.1 * gi * gi; // TF1 initializes the mean square to ones
                double mom = 0.9 * 0.0 + lr * gi / Math.sqrt(ms + 1.0);
                double expected = r[0][i] - mom;
                assertThat((double) r[2][i]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
            }
            assertThat(r[1][0]).isNotZero();
        }
    }

    @Test
    void adamStepIsTensorFlowsApplyAdamAndAdvancesTheBetaPowers() {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = TrainingGraphTest.smallModel(tf, false);
            TrainingGraph t = TrainingGraph.builder(m).optimizer(Optimizer.ADAM).build(tf);
            assertThat(g.operation("resnet_v2/logits/biases/Adam_1")).isNotNull();
            s.initialize();
            double lr = 0.01;
            float[][] r = oneStep(s, t, lr);
            double lrT = lr * Math.sqrt(1 - 0.999) / (1 - 0.9);
            for (int i = 0; i < r[0].length; i++) {
                double gi = r[1][i];
                double mi = 0.1 * gi;
                double vi = 0.001 * gi * gi;
                double expected = r[0][i] - lrT * mi / (Math.sqrt(vi) + 1.0);
                assertThat((double) r[2][i]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-7));
            }
            try (Result p = s.runner().fetch("beta1_power").fetch("beta2_power").run()) {
                assertThat(((TFloat32) p.get(0)).getFloat()).isEqualTo(0.9f * 0.9f);
                assertThat(((TFloat32) p.get(1)).getFloat()).isEqualTo(0.999f * 0.999f);
            }
        }
    }

    @Test
    void labelSmoothingIsSlimsFormula() {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = TrainingGraphTest.smallModel(tf, false);
            double ls = 0.3;
            TrainingGraph t = TrainingGraph.builder(m).labelSmoothing(ls).build(tf);
            s.initialize();
            try (TFloat32 x = TrainingGraphTest.randomImages(5);
                    TInt32 y = Tensors.labels(LABELS);
                    Result r = s.runner()
                            .feed(t.images(), x)
                            .feed(t.labels(), y)
                            .fetch(m.logits().orElseThrow())
                            .fetch(t.crossEntropyLoss())
                            .run()) {
                TFloat32 logits = (TFloat32) r.get(0);
                int k = 3;
                double sum = 0;
                for (int b = 0; b < LABELS.length; b++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < k; c++) {
                        max = Math.max(max, logits.getFloat(b, c));
                    }
                    double z = 0;
                    for (int c = 0; c < k; c++) {
                        z += Math.exp(logits.getFloat(b, c) - max);
                    }
                    for (int c = 0; c < k; c++) {
                        double q = (c == LABELS[b] ? 1 - ls : 0) + ls / k;
                        sum -= q * (logits.getFloat(b, c) - max - Math.log(z));
                    }
                }
                assertThat((double) ((TFloat32) r.get(1)).getFloat())
                        .isCloseTo(sum / LABELS.length, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @Test
    void trainableScopesTrainOnlyThoseVariables() {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = TrainingGraphTest.smallModel(tf, false);
            assertThatThrownBy(() -> TrainingGraph.builder(m)
                            .trainableScopes(List.of("resnet_v2/nope"))
                            .build(tf))
                    .hasMessageStartingWith("trainableScopes: 'resnet_v2/nope' matches no trainable variable");
            TrainingGraph t = TrainingGraph.builder(m)
                    .trainableScopes(List.of("resnet_v2/logits"))
                    .learningRate(0.5)
                    .build(tf);
            assertThat(t.updates())
                    .extracting(u -> u.variable().name())
                    .containsExactly("resnet_v2/logits/weights", "resnet_v2/logits/biases");
            s.initialize();
            ModelVariable conv1 = m.trainableVariables().get(0);
            float[] before = Tensors.fetch(s, conv1.value());
            float[][] r = oneStep(s, t, 0.5);
            assertThat(Tensors.fetch(s, conv1.value())).containsExactly(before);
            assertThat(r[2]).isNotEqualTo(r[0]);
        }
    }

    @Test
    void parseNamesTheOption() {
        assertThat(Optimizer.parse("--optimizer", "RMSProp")).isEqualTo(Optimizer.RMSPROP);
        assertThatThrownBy(() -> Optimizer.parse("--optimizer", "sgd"))
                .hasMessage("--optimizer: must be one of momentum, rmsprop, adam, got 'sgd'");
    }
}
