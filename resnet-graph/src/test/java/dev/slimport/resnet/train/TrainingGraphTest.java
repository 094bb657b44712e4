/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.slimport.resnet.net.BlockSpec;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.slim.ModelVariable;
import dev.slimport.resnet.testing.RoundOff;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The train step is exactly TF's momentum rule applied to the gradients of a separate forward-backward pass, so no
 * update races with the backward pass; the graph has TF1's slot and global-step names; bad input is rejected.
 */
class TrainingGraphTest {
    private static final int BATCH = 8;
    private static final int SIZE = 64;

    static List<BlockSpec> smallBlocks() {
        return List.of(BlockSpec.resnetV2Block("block1", 4, 2, 2), BlockSpec.resnetV2Block("block2", 8, 2, 1));
    }

    static ResNetModel smallModel(Ops tf, boolean training) {
        return ResNetV2.builder(smallBlocks())
                .spec(n -> n.withNumClasses(3))
                .isTraining(training)
                .seed(7)
                .build(tf, ResNetV2.imagesPlaceholder(tf, BATCH, SIZE, SIZE));
    }

    /** The small net with 3 classes in training mode (seed 0) on a {@code [batch, size, size, 3]} placeholder. */
    static ResNetModel smallTrainingNet(Ops tf, int batch, int size) {
        return ResNetV2.builder(smallBlocks())
                .spec(n -> n.withNumClasses(3))
                .isTraining(true)
                .build(tf, ResNetV2.imagesPlaceholder(tf, batch, size, size));
    }

    static TFloat32 randomImages(long seed) {
        return Tensors.tensor(
                Shape.of(BATCH, SIZE, SIZE, 3),
                Tensors.gaussian(new SplittableRandom(seed), BATCH * SIZE * SIZE * 3, 0, 1));
    }

    @Test
    void trainStepsApplyMomentumToTheGradientsOfTheSameBatch() {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = smallModel(tf, true);
            TrainingGraph t =
                    TrainingGraph.builder(m).learningRate(0.1).momentum(0.9).build(tf);
            s.initialize();
            List<Operand<TFloat32>> weights =
                    m.trainableVariables().stream().map(ModelVariable::value).toList();
            List<Operand<TFloat32>> moving =
                    m.movingStatistics().stream().map(ModelVariable::value).toList();
            try (TFloat32 x = randomImages(1);
                    TInt32 y = Tensors.labels(0, 1, 2, 0, 1, 2, 0, 1)) {
                List<float[]> w0 = fetch(s, weights);
                List<float[]> m0 = fetch(s, moving);
                List<float[]> g1 = gradients(s, t, x, y);
                List<float[]> again = gradients(s, t, x, y);
                for (int i = 0; i < g1.size(); i++) {
                    assertClose(
                            again.get(i),
                            g1.get(i),
                            gradientTolerance(g1.get(i)),
                            "a second forward-backward pass, "
                                    + m.trainableVariables().get(i).name());
                }
                t.forwardBackward(s, x, y);
                // no arithmetic touches the variables here, so they must come back bit for bit
                assertThat(fetch(s, weights))
                        .as("weights after forward-backward")
                        .usingRecursiveComparison()
                        .isEqualTo(w0);
                assertThat(fetch(s, moving))
                        .as("moving statistics after forward-backward")
                        .usingRecursiveComparison()
                        .isEqualTo(m0);

                t.trainStep(s, x, y);
                List<float[]> w1 = fetch(s, weights);
                List<float[]> a1 = fetch(s, accumulators(t));
                for (int i = 0; i < w0.size(); i++) {
                    String name = m.trainableVariables().get(i).name();
                    float gTol = gradientTolerance(g1.get(i));
                    // step 1: accumulator = 0.9·0 + g (the train step's own gradient, g1 up to gTol), w1 = w0 -
                    // 0.1·accumulator
                    assertClose(a1.get(i), g1.get(i), gTol, name + "/Momentum after step 1");
                    for (int j = 0; j < w0.get(i).length; j++) {
                        float expectedW = w0.get(i)[j] - 0.1f * g1.get(i)[j];
                        double tol = 0.1 * gTol
                                + RoundOff.gamma(2, RoundOff.FLOAT32)
                                        * (Math.abs(w0.get(i)[j]) + Math.abs(0.1 * g1.get(i)[j]));
                        assertThat((double) w1.get(i)[j])
                                .as("%s[%d] after step 1", name, j)
                                .isCloseTo(expectedW, offset(tol));
                    }
                }
                assertThat(fetch(s, moving))
                        .as("moving statistics after a train step")
                        .usingRecursiveComparison()
                        .isNotEqualTo(m0);

                List<float[]> g2 = gradients(s, t, x, y);
                t.trainStep(s, x, y, 0.05);
                List<float[]> w2 = fetch(s, weights);
                List<float[]> a2 = fetch(s, accumulators(t));
                for (int i = 0; i < w0.size(); i++) {
                    String name = m.trainableVariables().get(i).name();
                    float gTol = gradientTolerance(g2.get(i));
                    for (int j = 0; j < w0.get(i).length; j++) {
                        // accumulator = 0.9·a1 + g (g2 up to gTol), two roundings; w2 = w1 - 0.05·accumulator, two
                        // roundings
                        float accum = a1.get(i)[j] * 0.9f + g2.get(i)[j];
                        double accumTol = gTol
                                + RoundOff.gamma(2, RoundOff.FLOAT32)
                                        * (Math.abs(0.9 * a1.get(i)[j]) + Math.abs(g2.get(i)[j]));
                        assertThat((double) a2.get(i)[j])
                                .as("%s/Momentum[%d] after step 2", name, j)
                                .isCloseTo(accum, offset(accumTol));
                        float w = w1.get(i)[j] - 0.05f * a2.get(i)[j];
                        double wTol = RoundOff.gamma(2, RoundOff.FLOAT32)
                                * (Math.abs(w1.get(i)[j]) + Math.abs(0.05 * a2.get(i)[j]));
                        assertThat((double) w2.get(i)[j])
                                .as("%s[%d] after step 2", name, j)
                                .isCloseTo(w, offset(wTol));
                    }
                }
                assertThat(t.globalStepValue(s)).isEqualTo(2);
            }
        }
    }

    @Test
    void evaluateReportsTheLossOfTheStepWithoutUpdating() {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = smallModel(tf, true);
            TrainingGraph t = TrainingGraph.builder(m).build(tf);
            s.initialize();
            try (TFloat32 x = randomImages(2);
                    TInt32 y = Tensors.labels(2, 2, 1, 1, 0, 0, 1, 2)) {
                StepMetrics before = t.evaluate(s, x, y);
                StepMetrics again = t.evaluate(s, x, y);
                assertMetricsClose(again, before, "a second evaluation");
                assertThat(t.globalStepValue(s)).isZero();
                StepMetrics step = t.trainStep(s, x, y);
                assertMetricsClose(step, before, "a train step reports the batch before its update");
                assertThat((double) Math.abs(t.evaluate(s, x, y).loss() - before.loss()))
                        .as("the loss after the update")
                        .isGreaterThan(lossTolerance(before.loss()));
                assertThat(before.accuracy()).isBetween(0f, 1f);
                assertThat(before.accuracy() * BATCH).isCloseTo(Math.round(before.accuracy() * BATCH), offset(1e-5f));
            }
        }
    }

    @Test
    void slotsAndGlobalStepHaveTf1NamesAndOnlyTrainableVariablesHaveGradients() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            ResNetModel m = smallModel(tf, true);
            TrainingGraph t = TrainingGraph.builder(m).build(tf);
            List<String> trainable =
                    m.trainableVariables().stream().map(ModelVariable::name).toList();
            assertThat(t.updates()).extracting(u -> u.variable().name()).containsExactlyElementsOf(trainable);
            assertThat(trainable).noneMatch(n -> n.endsWith("moving_mean") || n.endsWith("moving_variance"));
            assertThat(trainable)
                    .contains(
                            "resnet_v2/block1/unit_1/bottleneck_v2/conv1/BatchNorm/gamma",
                            "resnet_v2/block1/unit_1/bottleneck_v2/shortcut/biases",
                            "resnet_v2/logits/weights");
            for (TrainingGraph.VariableUpdate u : t.updates()) {
                GraphOperation slot = g.operation(u.variable().name() + "/Momentum");
                assertThat(slot).as("slot of %s", u.variable().name()).isNotNull();
                assertThat(slot.type()).isEqualTo("VariableV2");
                assertThat(slot.attributes().getAttrShape("shape"))
                        .isEqualTo(u.variable().shape());
                assertThat(u.accumulator().op()).isEqualTo(slot);
                assertThat(u.update().op().type()).isEqualTo("ApplyMomentum");
                assertThat(u.gradient().shape()).isEqualTo(u.variable().shape());
            }
            for (ModelVariable v : m.movingStatistics()) {
                assertThat(g.operation(v.name() + "/Momentum")).as(v.name()).isNull();
            }
            GraphOperation step = g.operation("global_step");
            assertThat(step.type()).isEqualTo("VariableV2");
            assertThat(step.attributes().getAttrType("dtype")).isEqualTo(DataType.DT_INT64);
            assertThat(g.operation("train/train_op")).isNotNull();
            assertThat(t.gradients()).hasSize(trainable.size());
        }
    }

    @Test
    void checkpointHoldsVariablesSlotsAndGlobalStep(@TempDir Path dir) {
        String prefix = dir.resolve("model.ckpt").toString();
        List<float[]> saved;
        List<float[]> savedSlots;
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            TrainingGraph t = TrainingGraph.builder(smallModel(tf, true))
                    .learningRate(0.05)
                    .build(tf);
            s.initialize();
            try (TFloat32 x = randomImages(3);
                    TInt32 y = Tensors.labels(0, 0, 1, 1, 2, 2, 0, 1)) {
                t.trainStep(s, x, y);
            }
            Checkpoints.save(s, Path.of(prefix));
            saved = fetch(
                    s, t.model().variables().stream().map(ModelVariable::value).toList());
            savedSlots = fetch(s, accumulators(t));
        }
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel otherSeed = ResNetV2.builder(smallBlocks())
                    .spec(n -> n.withNumClasses(3))
                    .seed(99)
                    .build(tf, ResNetV2.imagesPlaceholder(tf, BATCH, SIZE, SIZE));
            TrainingGraph t = TrainingGraph.builder(otherSeed).build(tf);
            Checkpoints.restore(s, Path.of(prefix));
            assertThat(fetch(
                            s,
                            t.model().variables().stream()
                                    .map(ModelVariable::value)
                                    .toList()))
                    .usingRecursiveComparison()
                    .isEqualTo(saved);
            assertThat(fetch(s, accumulators(t))).usingRecursiveComparison().isEqualTo(savedSlots);
            assertThat(t.globalStepValue(s)).isEqualTo(1);
        }
    }

    @Test
    void rejectsWhatItCannotTrain() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            ResNetModel noLogits = ResNetV2.builder(smallBlocks())
                    .spec(n -> n.withScope("features"))
                    .build(tf, ResNetV2.imagesPlaceholder(tf, BATCH, SIZE, SIZE));
            assertThatThrownBy(() -> TrainingGraph.builder(noLogits).build(tf))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("numClasses");
            ResNetModel m = smallModel(tf, true);
            ResNetModel reused = ResNetV2.builder(smallBlocks())
                    .spec(n -> n.withNumClasses(3))
                    .reuse(true)
                    .build(tf, ResNetV2.imagesPlaceholder(tf, BATCH, SIZE, SIZE));
            assertThatThrownBy(() -> TrainingGraph.builder(reused).build(tf))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reuse");
            assertThatThrownBy(() -> TrainingGraph.builder(m).learningRate(-1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("learningRate");
            assertThatThrownBy(() -> TrainingGraph.builder(m).momentum(1.0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("momentum");
            assertThatThrownBy(() -> TrainingGraph.builder(m).scope("bad name"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("scope");
            assertThatThrownBy(() -> TrainingGraph.builder(null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("model");
            int before = count(g);
            TrainingGraph.builder(m).build(tf);
            assertThat(count(g)).isGreaterThan(before);
            int after = count(g);
            assertThatThrownBy(() -> TrainingGraph.builder(m).scope("train2").build(tf))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("global_step");
            assertThat(count(g)).as("nothing added by a rejected build").isEqualTo(after);
            try (Graph other = new Graph()) {
                assertThatThrownBy(() -> TrainingGraph.builder(m).build(Ops.create(other)))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("tf");
            }
        }
    }

    @Test
    void stepRejectsMismatchedBatchesAndForeignSessions() {
        try (Graph g = new Graph();
                Session s = new Session(g);
                Graph other = new Graph();
                Session foreign = new Session(other)) {
            Ops tf = Ops.create(g);
            TrainingGraph t = TrainingGraph.builder(smallModel(tf, true)).build(tf);
            s.initialize();
            try (TFloat32 x = randomImages(4);
                    TInt32 y = Tensors.labels(0, 1, 2)) {
                assertThatThrownBy(() -> t.trainStep(s, x, y))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("same batch");
                assertThatThrownBy(() -> t.trainStep(s, x, y, Double.NaN))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("learningRate");
                assertThatThrownBy(() -> t.evaluate(foreign, x, y))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("session");
            }
        }
    }

    private static int count(Graph g) {
        int n = 0;
        for (var it = g.operations(); it.hasNext(); it.next()) {
            n++;
        }
        return n;
    }

    /**
     * The longest reduction a value of this test's training graph goes through: a root-conv weight gradient sums
     * over the batch and every output position (at most BATCH·SIZE² terms), after the backward pass through the
     * summed fan-ins of the layers above it (7·7·3 + the two blocks' 1×1/3×3/1×1 convolutions + logits).
     */
    private static final long REDUCTION = (long) BATCH * SIZE * SIZE
            + 7 * 7 * 3
            + (64 + 9 * 4 + 4)
            + (16 + 9 * 4 + 4)
            + (16 + 9 * 8 + 8)
            + (32 + 9 * 8 + 8)
            + 32;

    /**
     * Two float32 computations of a gradient (another run, another kernel's summation order or FMA) differ by at most
     * 2·γ(n)·Σ|terms| for a reduction of n terms; the terms' magnitude is taken as the tensor's largest value.
     */
    static float gradientTolerance(float[] g) {
        float max = 0;
        for (float v : g) {
            max = Math.max(max, Math.abs(v));
        }
        return (float) RoundOff.twoSums(REDUCTION, max, RoundOff.FLOAT32);
    }

    /** The same bound for the loss (a mean of cross-entropies of logits), on the scale max(1, |loss|). */
    static double lossTolerance(float loss) {
        return RoundOff.twoSums(REDUCTION, Math.max(1, Math.abs(loss)), RoundOff.FLOAT32);
    }

    static void assertClose(float[] actual, float[] expected, float tolerance, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int j = 0; j < expected.length; j++) {
            assertThat(actual[j]).as("%s[%d]", what, j).isCloseTo(expected[j], offset(tolerance));
        }
    }

    /** Loss within round-off; accuracy (a count of argmaxes over the batch) the same. */
    static void assertMetricsClose(StepMetrics actual, StepMetrics expected, String what) {
        assertThat((double) actual.loss())
                .as("%s: loss", what)
                .isCloseTo(expected.loss(), offset(lossTolerance(expected.loss())));
        assertThat(actual.accuracy()).as("%s: accuracy", what).isEqualTo(expected.accuracy());
    }

    static List<Operand<TFloat32>> accumulators(TrainingGraph t) {
        return new ArrayList<>(t.accumulators());
    }

    static List<float[]> fetch(Session s, List<? extends Operand<TFloat32>> xs) {
        Session.Runner r = s.runner();
        xs.forEach(r::fetch);
        List<float[]> out = new ArrayList<>();
        try (Result res = r.run()) {
            for (int i = 0; i < xs.size(); i++) {
                out.add(Tensors.floats(res.get(i)));
            }
        }
        return out;
    }

    static List<float[]> gradients(Session s, TrainingGraph t, TFloat32 x, TInt32 y) {
        Session.Runner r = s.runner().feed(t.images(), x).feed(t.labels(), y);
        t.gradients().forEach(r::fetch);
        List<float[]> out = new ArrayList<>();
        try (Result res = r.run()) {
            for (int i = 0; i < t.gradients().size(); i++) {
                out.add(Tensors.floats(res.get(i)));
            }
        }
        return out;
    }
}
