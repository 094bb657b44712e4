/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.testing.Graphs;
import org.junit.jupiter.api.Test;
import org.tensorflow.EagerSession;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Bad arguments give an IllegalArgumentException naming the argument, before anything is added to the graph. */
class BadInputTest {

    private interface Build {
        void run(Ops tf, Graph g);
    }

    private static void assertRejected(String messagePart, Build build) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            // placeholders the cases use; created first so the op count below is the baseline
            tf.withName("good").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 64, 64, 3)));
            tf.withName("rank3").placeholder(TFloat32.class, Placeholder.shape(Shape.of(64, 64, 3)));
            tf.withName("rgba").placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, 64, 64, 4)));
            tf.withName("unknown").placeholder(TFloat32.class, Placeholder.shape(Shape.unknown()));
            tf.withName("nchw").placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, 3, 64, 64)));
            int before = Graphs.opCount(g);
            assertThatThrownBy(() -> build.run(tf, g))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(messagePart);
            assertThat(Graphs.opCount(g)).as("ops added before the error").isEqualTo(before);
        }
    }

    @SuppressWarnings("unchecked")
    private static Placeholder<TFloat32> p(Graph g, String name) {
        return new Placeholder<>(g.operation(name));
    }

    @Test
    void wrongRankOrChannelCount() {
        assertRejected(
                "images: must have rank 4",
                (tf, g) -> ResNetV2.builder(Depth.D50).build(tf, p(g, "rank3")));
        assertRejected(
                "images: must have rank 4",
                (tf, g) -> ResNetV2.builder(Depth.D50).build(tf, p(g, "unknown")));
        assertRejected(
                "must have 3 channels", (tf, g) -> ResNetV2.builder(Depth.D50).build(tf, p(g, "rgba")));
        assertRejected(
                "must have 3 channels", (tf, g) -> ResNetV2.builder(Depth.D50).build(tf, p(g, "nchw")));
        assertRejected(
                "images: must not be null",
                (tf, g) -> ResNetV2.builder(Depth.D50).build(tf, null));
    }

    @Test
    void badOutputStride() {
        assertRejected(
                "The output_stride needs to be a multiple of 4.",
                (tf, g) -> ResNetV2.builder(Depth.D50)
                        .spec(n -> n.withOutputStride(6))
                        .build(tf, p(g, "good")));
        assertRejected(
                "The target output_stride cannot be reached.",
                (tf, g) -> ResNetV2.builder(Depth.D50)
                        .spec(n -> n.withOutputStride(12))
                        .build(tf, p(g, "good")));
        assertRejected(
                "The target output_stride cannot be reached.",
                (tf, g) -> ResNetV2.builder(Depth.D50)
                        .spec(n -> n.withOutputStride(64))
                        .build(tf, p(g, "good")));
    }

    @Test
    void squeezingLogitsThatAreNotOneByOne() {
        assertRejected(
                "spatial_squeeze",
                (tf, g) -> ResNetV2.builder(Depth.D50)
                        .spec(n -> n.withNumClasses(10))
                        .globalPool(false)
                        .build(tf, p(g, "good")));
    }

    @Test
    void badNamesAndSettings() {
        assertThatThrownBy(() -> ResNetV2.builder(Depth.D50).spec(n -> n.withScope(null)))
                .hasMessageContaining("scope");
        assertThatThrownBy(() -> ResNetV2.builder(Depth.D50).spec(n -> n.withScope("a b")))
                .hasMessageContaining("scope");
        assertThatThrownBy(() -> ResNetV2.builder(Depth.D50).spec(n -> n.withNumClasses(-1)))
                .hasMessageContaining("num_classes");
        assertThatThrownBy(() -> ResNetV2.builder(Depth.D50).spec(n -> n.withDataFormat(null)))
                .hasMessageContaining("NHWC or NCHW");
        assertThatThrownBy(() -> ResNetV2.builder(Depth.D50).argScope(null)).hasMessageContaining("argScope");
        assertThatThrownBy(() -> ResNetV2.builder(Depth.D50).spec(n -> n.withPrecision(null)))
                .hasMessageContaining("precision");
        assertThatThrownBy(() -> ResNetV2.builder((Depth) null)).hasMessageContaining("depth");
        assertThatThrownBy(() -> ResNetV2.builder(java.util.List.of())).hasMessageContaining("blocks");
        assertThatThrownBy(() -> BlockSpec.resnetV2Block("b", 0, 3, 2)).hasMessageContaining("base_depth");
        assertThatThrownBy(() -> new UnitSpec(4, 1, 0)).hasMessageContaining("stride");
        assertThatThrownBy(() -> DataFormat.parse("--data-format", "NWHC"))
                .hasMessage("--data-format: unknown data format 'NWHC'; allowed: NHWC, NCHW");
    }

    @Test
    void unknownDepthNamesTheAllowedOnes() {
        assertThat(Depth.parse("--model", "resnet_v2_152")).isEqualTo(Depth.D152);
        assertThat(Depth.parse("--model", "101")).isEqualTo(Depth.D101);
        assertThatThrownBy(() -> Depth.parse("--model", "resnet_v2_34"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "--model: unknown model 'resnet_v2_34'; allowed: resnet_v2_50, resnet_v2_101, resnet_v2_152,"
                                + " resnet_v2_200");
        assertThatThrownBy(() -> Depth.parse("depth", "18")).hasMessageContaining("unknown model '18'");
    }

    @Test
    void variablesCannotBeCreatedTwiceWithoutReuseNorReusedBeforeTheyExist() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> images = ResNetV2.imagesPlaceholder(tf, 1, 32, 32);
            assertThatThrownBy(() ->
                            ResNetV2.builder(Depth.D50.blocks(1)).reuse(true).build(tf, images))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not exist");
            ResNetV2.builder(Depth.D50.blocks(1)).build(tf, images);
            assertThatThrownBy(() -> ResNetV2.builder(Depth.D50.blocks(1)).build(tf, images))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("already exists");
        }
    }

    @Test
    void eagerSessionsAreRejected() {
        try (EagerSession eager = EagerSession.create()) {
            Ops tf = Ops.create(eager);
            assertThatThrownBy(() -> ResNetV2.builder(Depth.D50)
                            .build(tf, tf.zeros(tf.constant(new long[] {1, 8, 8, 3}), TFloat32.class)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("eager");
        }
    }
}
