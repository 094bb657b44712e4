/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.slim.ArgScope;
import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.slim.StackBlocksDenseArgs;
import dev.slimport.resnet.testing.Graphs;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.RefResNetV2;
import dev.slimport.resnet.testing.RoundOff;
import dev.slimport.resnet.testing.SmallNets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Forward values of whole networks against a plain-Java reference and against each other. */
class ResNetV2NumericsTest {

    /**
     * The small network with random weights and non-trivial batch-norm statistics against {@link RefResNetV2}, which
     * implements slim-semantics.md independently: conv2d_same padding, SAME pooling, pre-activation units, shortcut
     * rules, output_stride rates, postnorm, pooling and logits.
     */
    @ParameterizedTest
    @CsvSource({
        "33, 33, -1, true, true, 5",
        "32, 30, 8, true, false, 0",
        "40, 40, 16, true, true, 4",
        "16, 17, -1, false, true, 3",
        "21, 21, 4, false, false, 2"
    })
    void smallNetworkMatchesThePlainJavaReference(
            int h, int w, int outputStride, boolean root, boolean globalPool, int classes) {
        Integer os = outputStride < 0 ? null : outputStride;
        Nhwc images = Nhwc.uniform(42, -1, 1, 2, h, w, 3);
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(SmallNets.small())
                    .spec(n -> n.withScope("small"))
                    .isTraining(false)
                    .spec(n -> n.withNumClasses(classes))
                    .globalPool(globalPool)
                    .spatialSqueeze(false)
                    .spec(n -> n.withOutputStride(os))
                    .includeRootBlock(root)
                    .build(tf, ResNetV2.imagesPlaceholder(tf, 2, h, w));
            s.initialize();
            Graphs.randomize(s, tf, m.variables(), 17);
            Nhwc got = Graphs.run(s, Map.of(m.images(), images), m.output());
            Nhwc expected = new RefResNetV2(Graphs.values(s, m), "small")
                    .forward(images, SmallNets.SMALL_TABLE, os, root, globalPool, classes);
            assertThat(got.shape()).containsExactly(expected.shape());
            assertThat(expected.maxAbs()).isGreaterThan(0.01f);
            assertThat(got.maxAbsDiff(expected)).isLessThan(1e-4f * Math.max(1f, expected.maxAbs()));
        }
    }

    /**
     * slim's {@code store_non_strided_activations} (through the {@code stack_blocks_dense} arg scope) against
     * {@link RefResNetV2} with the option: logits and every unit and block end point, whose resolution is then the
     * block's input resolution (e.g. block1 at 33 → conv1 17 → pool1 9: 9×9 instead of 5×5).
     */
    @ParameterizedTest
    @CsvSource({"33, 33, -1, 9", "32, 30, 8, 8", "40, 40, 16, 10"})
    void storeNonStridedActivationsMatchesThePlainJavaReferenceEndPointsIncluded(
            int h, int w, int outputStride, int block1Size) {
        Integer os = outputStride < 0 ? null : outputStride;
        Nhwc images = Nhwc.uniform(43, -1, 1, 2, h, w, 3);
        ArgScope args =
                ResNetArgScope.resnetArgScope().with(StackBlocksDenseArgs.STORE_NON_STRIDED_ACTIVATIONS.of(true));
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(SmallNets.small())
                    .spec(n -> n.withScope("small"))
                    .isTraining(false)
                    .spec(n -> n.withNumClasses(5))
                    .spatialSqueeze(false)
                    .spec(n -> n.withOutputStride(os))
                    .argScope(args)
                    .build(tf, ResNetV2.imagesPlaceholder(tf, 2, h, w));
            s.initialize();
            Graphs.randomize(s, tf, m.variables(), 19);
            Map<String, Nhwc> expectedEndPoints = new LinkedHashMap<>();
            Nhwc expected = new RefResNetV2(Graphs.values(s, m), "small")
                    .forward(images, SmallNets.SMALL_TABLE, os, true, true, 5, true, expectedEndPoints);
            List<String> keys = List.copyOf(expectedEndPoints.keySet());
            assertThat(keys).hasSize(11 + 4);
            // a block's end point is its last unit's output: fetch each tensor once
            List<Operand<?>> fetches = new ArrayList<>(List.of(m.output()));
            List<Integer> index = new ArrayList<>();
            for (String k : keys) {
                Operand<?> op = m.endPoints().get(k);
                assertThat(op).as(k).isNotNull();
                if (!fetches.contains(op)) {
                    fetches.add(op);
                }
                index.add(fetches.indexOf(op));
            }
            List<Nhwc> got = Graphs.run(s, Map.of(m.images(), images), fetches);
            assertThat(expected.maxAbs()).isGreaterThan(0.01f);
            assertThat(got.get(0).shape()).containsExactly(expected.shape());
            assertThat(got.get(0).maxAbsDiff(expected)).isLessThan(1e-4f * Math.max(1f, expected.maxAbs()));
            for (int i = 0; i < keys.size(); i++) {
                Nhwc e = expectedEndPoints.get(keys.get(i));
                Nhwc actual = got.get(index.get(i));
                assertThat(actual.shape()).as(keys.get(i)).containsExactly(e.shape());
                assertThat(actual.maxAbsDiff(e)).as(keys.get(i)).isLessThan(1e-4f * Math.max(1f, e.maxAbs()));
            }
            assertThat(m.endPoints().get("small/block1").shape().asArray())
                    .containsExactly(2, block1Size, block1Size, 4);
        }
    }

    /**
     * slim testAtrousFullyConvolutionalValues: with the same weights, subsample(output at output_stride s, 32 / s)
     * equals the nominal output, for s = 4, 8, 16, 32.
     */
    @Test
    void atrousOutputSubsampledEqualsTheNominalOutput() {
        Nhwc images = Nhwc.uniform(3, 0, 1, 2, 81, 81, 3);
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Operand<TFloat32> in = ResNetV2.imagesPlaceholder(tf, 2, 81, 81);
            ResNetModel nominal = ResNetV2.builder(SmallNets.small())
                    .isTraining(false)
                    .globalPool(false)
                    .build(tf, in);
            s.initialize();
            Graphs.randomize(s, tf, nominal.variables(), 5);
            Nhwc expected = Graphs.run(s, Map.of(in, images), nominal.output());
            assertThat(expected.shape()).containsExactly(2, 3, 3, 32);
            for (int os : new int[] {4, 8, 16, 32}) {
                ResNetModel atrous = ResNetV2.builder(SmallNets.small())
                        .isTraining(false)
                        .globalPool(false)
                        .spec(n -> n.withOutputStride(os))
                        .reuse(true)
                        .build(tf, in);
                LayerContextHolder sub = new LayerContextHolder(tf);
                Operand<TFloat32> subsampled = sub.subsample(atrous.output(), 32 / os);
                Nhwc got = Graphs.run(s, Map.of(in, images), subsampled);
                assertThat(got.maxAbsDiff(expected)).as("output_stride %d", os).isLessThan(1e-4f * expected.maxAbs());
            }
        }
    }

    /** A context to call {@link ResNetUtils#subsample} outside a model. */
    private record LayerContextHolder(Ops tf) {
        @SuppressWarnings("unchecked")
        Operand<TFloat32> subsample(Operand<?> x, int factor) {
            var ctx = dev.slimport.resnet.slim.LayerContext.root(tf, ResNetArgScope.resnetArgScope(), 0, false);
            return ResNetUtils.subsample(ctx, (Operand<TFloat32>) x, factor, "subsample_" + factor);
        }
    }

    @Test
    void nchwGraphGivesTheSameNumbersAsNhwc() {
        Nhwc images = Nhwc.uniform(8, -1, 1, 2, 48, 40, 3);
        Nhwc[] logits = new Nhwc[2];
        for (DataFormat format : DataFormat.values()) {
            try (Graph g = new Graph();
                    Session s = new Session(g)) {
                Ops tf = Ops.create(g);
                ResNetModel m = ResNetV2.builder(SmallNets.small())
                        .isTraining(false)
                        .spec(n -> n.withNumClasses(7).withOutputStride(16).withDataFormat(format))
                        .seed(3)
                        .build(tf, ResNetV2.imagesPlaceholder(tf, 2, 48, 40));
                s.initialize();
                Graphs.randomize(s, tf, m.variables(), 9);
                logits[format.ordinal()] =
                        Graphs.run(s, Map.of(m.images(), images), m.logits().orElseThrow());
                if (format == DataFormat.NCHW) {
                    assertThat(g.operation("resnet_v2/block1/unit_1/bottleneck_v2/conv1/Conv2D")
                                    .attributes()
                                    .getAttrString("data_format"))
                            .isEqualTo("NCHW");
                }
            }
        }
        assertThat(logits[0].shape()).containsExactly(2, 7);
        assertThat(logits[1].maxAbsDiff(logits[0])).isLessThan(1e-4f * Math.max(1f, logits[0].maxAbs()));
    }

    /**
     * One real forward of resnet_v2_50 at a small size: finite, rows of predictions sum to 1, repeatable within
     * float32 round-off, and another input gives other logits.
     */
    @Test
    void resnetV2_50ForwardIsFiniteNormalizedAndDeterministic() {
        Nhwc a = Nhwc.uniform(1, -1, 1, 2, 64, 64, 3);
        Nhwc b = Nhwc.uniform(2, -1, 1, 2, 64, 64, 3);
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(Depth.D50)
                    .spec(n -> n.withNumClasses(1001))
                    .isTraining(false)
                    .build(tf, ResNetV2.imagesPlaceholder(tf, -1, 64, 64));
            s.initialize();
            Operand<TFloat32> p = m.predictions().orElseThrow();
            Nhwc p1 = Graphs.run(s, Map.of(m.images(), a), p);
            Nhwc p2 = Graphs.run(s, Map.of(m.images(), a), p);
            Nhwc p3 = Graphs.run(s, Map.of(m.images(), b), p);
            assertThat(p1.shape()).containsExactly(2, 1001);
            for (int row = 0; row < 2; row++) {
                double sum = 0;
                for (int k = 0; k < 1001; k++) {
                    float v = p1.get(row, k);
                    assertThat(Float.isFinite(v)).isTrue();
                    assertThat(v).isBetween(0f, 1f);
                    sum += v;
                }
                assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
            }
            // run to run, the logits may differ by float32 round-off of the deepest path (kernels may split sums across
            // threads differently); softmax then moves each probability by at most 2·max|Δlogit|
            Nhwc logits = Graphs.run(s, Map.of(m.images(), a), m.logits().orElseThrow());
            Nhwc logits2 = Graphs.run(s, Map.of(m.images(), a), m.logits().orElseThrow());
            Nhwc logits3 = Graphs.run(s, Map.of(m.images(), b), m.logits().orElseThrow());
            float tol = (float)
                    RoundOff.twoSums(RoundOff.resnetV2_50FanIns(1001), Math.max(1, logits.maxAbs()), RoundOff.FLOAT32);
            assertThat(logits2.maxAbsDiff(logits)).as("the same input twice").isLessThanOrEqualTo(tol);
            assertThat(p2.maxAbsDiff(p1)).isLessThanOrEqualTo(2 * tol);
            assertThat(logits3.maxAbsDiff(logits)).as("another input").isGreaterThan(tol);
            assertThat(p3.maxAbsDiff(p1)).isGreaterThan(0f);
            assertThat(p1.maxAbsDiff(dev.slimport.resnet.testing.Ref.softmax(logits)))
                    .isLessThan(2 * tol);
        }
    }

    @Test
    void bfloat16ComputeStaysCloseToFloat32OnTheSameWeights() {
        Nhwc images = Nhwc.uniform(4, -1, 1, 2, 64, 64, 3);
        Nhwc[] logits = new Nhwc[2];
        int i = 0;
        for (Precision type : List.of(Precision.FP32, Precision.BF16)) {
            try (Graph g = new Graph();
                    Session s = new Session(g)) {
                Ops tf = Ops.create(g);
                ResNetModel m = ResNetV2.builder(Depth.D50.blocks(8))
                        .isTraining(false)
                        .spec(n -> n.withNumClasses(10).withPrecision(type))
                        .seed(1)
                        .build(tf, ResNetV2.imagesPlaceholder(tf, 2, 64, 64));
                s.initialize();
                logits[i++] =
                        Graphs.run(s, Map.of(m.images(), images), m.logits().orElseThrow());
            }
        }
        assertThat(logits[1].maxAbsDiff(logits[0])).isLessThan(2e-2f * Math.max(1f, logits[0].maxAbs()));
    }
}
