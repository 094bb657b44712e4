/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.slim.Conv2dArgs;
import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.slim.ModelWeights;
import dev.slimport.resnet.testing.Graphs;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.RoundOff;
import dev.slimport.resnet.testing.SmallNets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/** The inference-optimized graph (batch norms folded) computes the unoptimized graph's logits. */
class FoldBatchNormsTest {

    private record Source(ModelWeights weights, Nhwc logits) {}

    /** A model with random weights and non-trivial moving statistics, its weights and its logits on {@code images}. */
    private static Source source(ResNetV2.Builder builder, Nhwc images) {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = builder.build(tf, ResNetV2.imagesPlaceholder(tf, -1, images.dim(1), images.dim(2)));
            s.initialize();
            Graphs.randomize(s, tf, m.variables(), 31);
            return new Source(
                    ModelWeights.read(s, m.variables()),
                    Graphs.run(s, Map.of(m.images(), images), m.logits().orElseThrow()));
        }
    }

    @ParameterizedTest
    @CsvSource({"NHWC, -1", "NHWC, 8", "NCHW, 16"})
    void foldedLogitsEqualTheUnfoldedOnes(DataFormat format, int outputStride) {
        Integer os = outputStride < 0 ? null : outputStride;
        Nhwc images = Nhwc.uniform(2, -1, 1, 2, 40, 40, 3);
        Source src = source(
                ResNetV2.builder(SmallNets.small())
                        .isTraining(false)
                        .spec(n -> n.withNumClasses(6).withOutputStride(os)),
                images);
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetV2.Builder network = ResNetV2.builder(SmallNets.small())
                    .isTraining(false)
                    .spec(n -> n.withNumClasses(6).withOutputStride(os).withDataFormat(format));
            InferenceGraph inference = InferenceGraph.foldBatchNorms(
                    network, src.weights(), tf, ResNetV2.imagesPlaceholder(tf, -1, 40, 40));
            ResNetModel folded = inference.model();
            s.initialize();
            inference.loadWeights(s);
            Nhwc logits = Graphs.run(
                    s, Map.of(folded.images(), images), folded.logits().orElseThrow());
            assertThat(src.logits().maxAbs()).isGreaterThan(0.01f);
            assertThat(logits.maxAbsDiff(src.logits()))
                    .isLessThan(1e-4f * Math.max(1f, src.logits().maxAbs()));
            // what is left are the batch norms that follow no convolution: each unit's preact, and postnorm
            int batchNorms = 0;
            for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
                GraphOperation op = it.next();
                if (op.type().startsWith("FusedBatchNorm")) {
                    batchNorms++;
                    assertThat(op.name()).matches(".*/(preact|postnorm)/FusedBatchNormV3");
                }
            }
            assertThat(batchNorms).isEqualTo(3 + 3 + 3 + 2 + 1);
            assertThat(folded.variables().stream().map(v -> v.name()))
                    .contains(
                            "resnet_v2/block1/unit_1/bottleneck_v2/conv1/biases",
                            "resnet_v2/block3/unit_2/bottleneck_v2/conv2/biases",
                            "resnet_v2/postnorm/moving_mean",
                            "resnet_v2/block2/unit_3/bottleneck_v2/preact/gamma")
                    .noneMatch(n -> n.contains("BatchNorm"));
            assertThat(network.argScope().get(Conv2dArgs.NORMALIZER).isBatchNorm())
                    .as("the caller's builder is unchanged")
                    .isTrue();
            assertThatThrownBy(() -> inference.loadWeights(s)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void weightsWithoutFoldingReproduceTheSourceWithinRoundOff() {
        Nhwc images = Nhwc.uniform(3, -1, 1, 1, 33, 33, 3);
        Source src =
                source(ResNetV2.builder(SmallNets.small()).isTraining(false).spec(n -> n.withNumClasses(3)), images);
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            InferenceGraph inference = InferenceGraph.withWeights(
                    ResNetV2.builder(SmallNets.small())
                            .isTraining(false)
                            .spec(n -> n.withNumClasses(3))
                            .seed(99),
                    src.weights(),
                    tf,
                    ResNetV2.imagesPlaceholder(tf, -1, 33, 33));
            ResNetModel copy = inference.model();
            inference.loadWeights(s);
            // the same ops on the same weights; another graph may still pick kernels that sum in another order
            Nhwc logits =
                    Graphs.run(s, Map.of(copy.images(), images), copy.logits().orElseThrow());
            assertThat(logits.shape()).containsExactly(src.logits().shape());
            assertThat(logits.maxAbsDiff(src.logits())).isLessThanOrEqualTo((float) RoundOff.twoSums(
                    RoundOff.fanInsOnTheDeepestPath(SmallNets.SMALL_TABLE, 3),
                    Math.max(1, src.logits().maxAbs()),
                    RoundOff.FLOAT32));
        }
    }

    @Test
    void foldingNeedsWeightsAndInferenceModeAndEveryVariable() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            var images = ResNetV2.imagesPlaceholder(tf, 1, 32, 32);
            assertThatThrownBy(() -> InferenceGraph.foldBatchNorms(
                            ResNetV2.builder(SmallNets.small()).isTraining(false), null, tf, images))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("weights");
            ModelWeights none = new ModelWeights(new LinkedHashMap<>());
            assertThatThrownBy(
                            () -> InferenceGraph.foldBatchNorms(ResNetV2.builder(SmallNets.small()), none, tf, images))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("isTraining(false)");
            assertThatThrownBy(() -> InferenceGraph.withWeights(
                            ResNetV2.builder(SmallNets.small())
                                    .isTraining(false)
                                    .spec(n -> n.withScope("x")),
                            none,
                            tf,
                            images))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no value for variable x/conv1/weights");
            assertThatThrownBy(() -> InferenceGraph.foldBatchNorms(
                            ResNetV2.builder(SmallNets.small())
                                    .isTraining(false)
                                    .spec(n -> n.withScope("y")),
                            none,
                            tf,
                            images))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no value for variable y/conv1/weights");
        }
    }
}
