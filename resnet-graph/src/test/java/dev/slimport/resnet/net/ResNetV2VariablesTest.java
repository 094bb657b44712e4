/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.slimport.resnet.slim.ModelVariable;
import dev.slimport.resnet.testing.Graphs;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.ReferenceCounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * Variable names for every depth, derived here from the block tables of resnet_v2.py (units 3,4,6,3 / 3,4,23,3 /
 * 3,8,36,3 / 3,24,36,3; base depths 64..512; strides 2,2,2,1) and the layer rules of slim-semantics.md — not from the
 * library's own tables; parameter, variable and multiply-add counts from the suite's one oracle, {@link
 * ReferenceCounts}.
 */
class ResNetV2VariablesTest {

    private static int[] units(Depth d) {
        return ReferenceCounts.unitsPerBlock(d.layers());
    }

    private static final int[] BASE = {64, 128, 256, 512};

    /** name + shape + trainable flag of every variable in slim's creation order. */
    private static List<String> expectedVariables(Depth d, int classes) {
        String s = "resnet_v2_" + d.layers();
        List<String> vars = new ArrayList<>();
        addConv(vars, s + "/conv1", 7, 3, 64, true);
        int in = 64;
        for (int b = 0; b < 4; b++) {
            int depth = 4 * BASE[b];
            int bottleneck = BASE[b];
            int[] u = units(d);
            for (int i = 1; i <= u[b]; i++) {
                String p = s + "/block" + (b + 1) + "/unit_" + i + "/bottleneck_v2/";
                addBn(vars, p + "preact", in);
                if (in != depth) {
                    addConv(vars, p + "shortcut", 1, in, depth, true);
                }
                addConv(vars, p + "conv1", 1, in, bottleneck, false);
                addBn(vars, p + "conv1/BatchNorm", bottleneck);
                addConv(vars, p + "conv2", 3, bottleneck, bottleneck, false);
                addBn(vars, p + "conv2/BatchNorm", bottleneck);
                addConv(vars, p + "conv3", 1, bottleneck, depth, true);
                in = depth;
            }
        }
        addBn(vars, s + "/postnorm", 2048);
        if (classes > 0) {
            addConv(vars, s + "/logits", 1, 2048, classes, true);
        }
        return vars;
    }

    /** One L2 loss per conv kernel (slim-semantics.md §1.11). */
    private static long kernels(List<String> variables) {
        return variables.stream().filter(v -> v.contains("/weights[")).count();
    }

    private static void addConv(List<String> vars, String scope, int k, int in, int out, boolean biases) {
        vars.add(scope + "/weights[" + k + ", " + k + ", " + in + ", " + out + "]T");
        if (biases) {
            vars.add(scope + "/biases[" + out + "]T");
        }
    }

    private static void addBn(List<String> vars, String scope, int c) {
        vars.add(scope + "/gamma[" + c + "]T");
        vars.add(scope + "/beta[" + c + "]T");
        vars.add(scope + "/moving_mean[" + c + "]F");
        vars.add(scope + "/moving_variance[" + c + "]F");
    }

    @ParameterizedTest
    @EnumSource(Depth.class)
    void namesShapesAndCountsMatchTheTables(Depth depth) {
        List<String> expected = expectedVariables(depth, 1001);
        ReferenceCounts counts = ReferenceCounts.of(units(depth), 224, 224, 1001);
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(depth)
                    .spec(n -> n.withNumClasses(1001))
                    .isTraining(false)
                    .build(tf, ResNetV2.imagesPlaceholder(tf, -1, 224, 224));
            assertThat(m.variables().stream()
                            .map(v -> v.name() + v.shape() + (v.trainable() ? "T" : "F"))
                            .toList())
                    .containsExactlyElementsOf(expected);
            assertThat(m.variables()).hasSize(counts.variables());
            assertThat(m.parameterCount()).isEqualTo(counts.parameters());
            assertThat(m.trainableParameterCount()).isEqualTo(counts.parameters() - counts.nonTrainable());
            assertThat(m.multiplyAdds()).hasValue(counts.multiplyAdds());
            assertThat(m.regularizationLosses()).hasSize((int) kernels(expected));
            assertThat(m.updateOps()).isEmpty();
            assertThat(m.movingStatistics())
                    .allMatch(v -> !v.trainable() && v.role().isMovingStatistic());
            for (ModelVariable v : m.variables()) {
                assertThat(v.variable().op().type()).isEqualTo("VariableV2");
                assertThat(v.variable().op().name()).isEqualTo(v.name());
            }
        }
    }

    /** slim-semantics.md §1.11: 54 / 105 / 156 / 204 regularization losses, including root conv1 and logits. */
    @Test
    void regularizationLossCountsOfSlim() {
        assertThat(kernels(expectedVariables(Depth.D50, 1001))).isEqualTo(54);
        assertThat(kernels(expectedVariables(Depth.D101, 1001))).isEqualTo(105);
        assertThat(kernels(expectedVariables(Depth.D152, 1001))).isEqualTo(156);
        assertThat(kernels(expectedVariables(Depth.D200, 1001))).isEqualTo(204);
    }

    /** Keras' published ResNet50V2 total for 1000 classes, 25,613,800 (the oracle is checked in ReferenceCountsTest). */
    @Test
    void parameterTotalsMatchKerasPublishedFigures() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(Depth.D50)
                    .spec(n -> n.withNumClasses(1000))
                    .isTraining(false)
                    .build(tf, ResNetV2.imagesPlaceholder(tf, 1, 224, 224));
            assertThat(m.parameterCount()).isEqualTo(25_613_800L);
        }
    }

    /**
     * With {@code output_stride} the later units are atrous (SpaceToBatchND in GraphStats): the multiply-adds read
     * off the graph equal {@link ReferenceCounts}' (dense convolutions at the output resolution), at 224 where every
     * atrous feature map (28 or 14) is a multiple of its rate, so SpaceToBatchND adds no padding work.
     */
    @ParameterizedTest
    @CsvSource({"D50, 8", "D50, 16", "D101, 16", "D50, 32"})
    void multiplyAddsWithAnOutputStrideMatchTheReference(Depth depth, int outputStride) {
        ReferenceCounts counts = ReferenceCounts.of(units(depth), 224, 224, 1001, outputStride);
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(depth)
                    .spec(n -> n.withNumClasses(1001))
                    .isTraining(false)
                    .spec(n -> n.withOutputStride(outputStride))
                    .build(tf, ResNetV2.imagesPlaceholder(tf, 1, 224, 224));
            if (outputStride < 32) {
                assertThat(g.operations()).toIterable().anyMatch(op -> op.type().equals("SpaceToBatchND"));
            }
            assertThat(m.multiplyAdds()).hasValue(counts.multiplyAdds());
            assertThat(m.parameterCount()).isEqualTo(counts.parameters());
        }
    }

    @Test
    void withoutLogitsThereIsOneRegularizationLossLess() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(Depth.D50).build(tf, ResNetV2.imagesPlaceholder(tf, 1, 64, 64));
            assertThat(m.regularizationLosses()).hasSize(53);
            assertThat(m.variables()).noneMatch(v -> v.name().contains("logits"));
        }
    }

    @Test
    void regularizationIsTheDecayTimesHalfTheSumOfSquaresOfConvWeights() {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(Depth.D50.blocks(1))
                    .spec(n -> n.withNumClasses(3))
                    .build(tf, ResNetV2.imagesPlaceholder(tf, 1, 32, 32));
            s.initialize();
            double expected = 0;
            for (Map.Entry<String, Nhwc> e : Graphs.values(s, m).entrySet()) {
                if (e.getKey().endsWith("/weights")) {
                    for (float w : e.getValue().data()) expected += (double) w * w;
                }
            }
            expected *= 1e-4 / 2;
            float total = 0;
            for (Nhwc loss : Graphs.run(s, Map.of(), m.regularizationLosses())) {
                total += loss.data()[0];
            }
            assertThat(total).isCloseTo((float) expected, within((float) (expected * 1e-5)));
        }
    }

    @Test
    void theSameSeedGivesTheSameVariablesAndAnotherSeedOthers() {
        Map<String, Nhwc> a = initialValues(7);
        Map<String, Nhwc> b = initialValues(7);
        Map<String, Nhwc> c = initialValues(8);
        assertThat(a.keySet()).containsExactlyElementsOf(b.keySet());
        for (String name : a.keySet()) {
            assertThat(a.get(name).data()).as(name).containsExactly(b.get(name).data());
            if (name.endsWith("/weights")) {
                assertThat(a.get(name).maxAbsDiff(c.get(name))).as(name).isGreaterThan(0f);
            }
        }
        // two kernels of one shape in one model get different values (per-variable seeds)
        String u2 = "resnet_v2/block1/unit_2/bottleneck_v2/conv1/weights";
        String u3 = "resnet_v2/block1/unit_3/bottleneck_v2/conv1/weights";
        assertThat(a.get(u2).maxAbsDiff(a.get(u3))).isGreaterThan(0f);
        // batch norm starts at gamma 1, beta 0, mean 0, variance 1
        assertThat(a.get("resnet_v2/postnorm/gamma").data()).containsOnly(1f);
        assertThat(a.get("resnet_v2/postnorm/moving_variance").data()).containsOnly(1f);
        assertThat(a.get("resnet_v2/postnorm/beta").data()).containsOnly(0f);
        assertThat(a.get("resnet_v2/logits/biases").data()).containsOnly(0f);
    }

    private static Map<String, Nhwc> initialValues(long seed) {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(Depth.D50.blocks(1))
                    .spec(n -> n.withNumClasses(3))
                    .seed(seed)
                    .build(tf, ResNetV2.imagesPlaceholder(tf, 1, 32, 32));
            s.initialize();
            return Graphs.values(s, m);
        }
    }

    @Test
    void trainingModelExposesOneMeanAndOneVarianceUpdatePerBatchNorm() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(Depth.D50.blocks(1))
                    .spec(n -> n.withNumClasses(3))
                    .isTraining(true)
                    .build(tf, ResNetV2.imagesPlaceholder(tf, 4, 64, 64));
            // 16 units with 3 batch norms each (preact, conv1, conv2) + postnorm = 49, each with a mean and a variance
            assertThat(m.movingStatistics()).hasSize(2 * (3 * (3 + 4 + 6 + 3) + 1));
            assertThat(m.updateOps()).hasSize(2 * (3 * (3 + 4 + 6 + 3) + 1));
            assertThat(m.updateOps()).allMatch(op -> op.op().type().equals("AssignSub"));
        }
    }
}
