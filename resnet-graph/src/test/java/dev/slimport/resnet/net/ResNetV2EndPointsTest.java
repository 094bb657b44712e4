/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.testing.Graphs;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.ReferenceCounts;
import dev.slimport.resnet.testing.SmallNets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** End-point keys and shapes, from slim's resnet_v2_test.py and slim-semantics.md §1.12. */
class ResNetV2EndPointsTest {

    private static ResNetModel small(Graph g, long b, long h, long w, ResNetV2.Builder builder) {
        Ops tf = Ops.create(g);
        return builder.build(tf, ResNetV2.imagesPlaceholder(tf, b, h, w));
    }

    private static ResNetV2.Builder smallBuilder() {
        return ResNetV2.builder(SmallNets.small())
                .spec(n -> n.withScope("resnet"))
                .isTraining(false);
    }

    /** The small net with 10 classes and dense (unpooled, unsqueezed) logits. */
    private static ResNetV2.Builder denseLogits() {
        return smallBuilder().spec(n -> n.withNumClasses(10)).globalPool(false).spatialSqueeze(false);
    }

    private static long[] shape(ResNetModel m, String key) {
        assertThat(m.endPoints()).containsKey(key);
        return m.endPoints().get(key).shape().asArray();
    }

    /** slim testEndpointNames: the key set, in slim's order (units, then the block key, then the head). */
    @Test
    void endpointNamesOfTheSmallNetwork() {
        List<String> expected = new ArrayList<>();
        expected.add("resnet/conv1");
        for (int block = 1; block <= 4; block++) {
            for (int unit = 1; unit <= (block < 4 ? 3 : 2); unit++) {
                String u = "resnet/block" + block + "/unit_" + unit + "/bottleneck_v2";
                if (unit == 1) {
                    expected.add(u + "/shortcut");
                }
                for (int conv = 1; conv <= 3; conv++) {
                    expected.add(u + "/conv" + conv);
                }
                expected.add(u);
            }
            expected.add("resnet/block" + block);
        }
        expected.addAll(List.of("global_pool", "resnet/logits", "resnet/spatial_squeeze", "predictions"));
        try (Graph g = new Graph()) {
            ResNetModel m = small(g, 2, 32, 32, smallBuilder().spec(n -> n.withNumClasses(10)));
            assertThat(m.endPoints().keySet()).containsExactlyElementsOf(expected);
        }
    }

    /** slim testClassificationEndPoints with spatial_squeeze=False. */
    @Test
    void classificationEndPoints() {
        try (Graph g = new Graph()) {
            ResNetModel m = small(
                    g,
                    2,
                    224,
                    224,
                    smallBuilder().spec(n -> n.withNumClasses(10)).spatialSqueeze(false));
            assertThat(m.output().op().name()).startsWith("resnet/logits");
            assertThat(m.output().shape().asArray()).containsExactly(2, 1, 1, 10);
            assertThat(shape(m, "predictions")).containsExactly(2, 1, 1, 10);
            assertThat(shape(m, "global_pool")).containsExactly(2, 1, 1, 32);
            assertThat(m.endPoints()).doesNotContainKey("resnet/spatial_squeeze");
            assertThat(m.endPoints().get("resnet/logits")).isSameAs(m.output());
        }
    }

    /** slim testClassificationShapes, testFullyConvolutionalEndpointShapes, rootless and atrous variants. */
    @Test
    void blockShapesOfTheSlimTests() {
        try (Graph g = new Graph()) {
            ResNetModel m = small(
                    g,
                    2,
                    224,
                    224,
                    smallBuilder().spec(n -> n.withNumClasses(10).withScope("a")));
            assertBlocks(m, "a", new long[][] {{2, 28, 28, 4}, {2, 14, 14, 8}, {2, 7, 7, 16}, {2, 7, 7, 32}});
            m = small(g, 2, 321, 321, denseLogits().spec(n -> n.withScope("b")));
            assertBlocks(m, "b", new long[][] {{2, 41, 41, 4}, {2, 21, 21, 8}, {2, 11, 11, 16}, {2, 11, 11, 32}});
            m = small(g, 2, 128, 128, denseLogits().includeRootBlock(false).spec(n -> n.withScope("c")));
            assertBlocks(m, "c", new long[][] {{2, 64, 64, 4}, {2, 32, 32, 8}, {2, 16, 16, 16}, {2, 16, 16, 32}});
            m = small(
                    g,
                    2,
                    321,
                    321,
                    denseLogits().spec(n -> n.withOutputStride(8).withScope("d")));
            assertBlocks(m, "d", new long[][] {{2, 41, 41, 4}, {2, 41, 41, 8}, {2, 41, 41, 16}, {2, 41, 41, 32}});
        }
    }

    private static void assertBlocks(ResNetModel m, String scope, long[][] expected) {
        for (int i = 0; i < 4; i++) {
            assertThat(shape(m, scope + "/block" + (i + 1)))
                    .as("block%d", i + 1)
                    .containsExactly(expected[i]);
        }
    }

    /** slim testUnknownBatchSize, testFullyConvolutionalUnknownHeightWidth, testAtrousFullyConvolutionalUnknownHeightWidth. */
    @Test
    void unknownBatchHeightAndWidth() {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            ResNetModel a = small(
                    g,
                    -1,
                    32,
                    32,
                    smallBuilder()
                            .spec(n -> n.withNumClasses(10))
                            .spatialSqueeze(false)
                            .spec(n -> n.withScope("a")));
            assertThat(a.output().shape().asArray()).containsExactly(-1, 1, 1, 10);
            ResNetModel b = small(g, 2, -1, -1, smallBuilder().globalPool(false).spec(n -> n.withScope("b")));
            assertThat(b.output().shape().asArray()).containsExactly(2, -1, -1, 32);
            ResNetModel c = small(
                    g,
                    2,
                    -1,
                    -1,
                    smallBuilder()
                            .globalPool(false)
                            .spec(n -> n.withOutputStride(8).withScope("c")));
            assertThat(c.output().shape().asArray()).containsExactly(2, -1, -1, 32);
            s.initialize();
            assertThat(Graphs.run(s, Map.of(a.images(), SmallNets.slimTestInput(2, 32, 32, 3)), a.output())
                            .shape())
                    .containsExactly(2, 1, 1, 10);
            Nhwc in65 = SmallNets.slimTestInput(2, 65, 65, 3);
            assertThat(Graphs.run(s, Map.of(b.images(), in65), b.output()).shape())
                    .containsExactly(2, 3, 3, 32);
            assertThat(Graphs.run(s, Map.of(c.images(), in65), c.output()).shape())
                    .containsExactly(2, 9, 9, 32);
        }
    }

    @Test
    void withoutClassesTheOutputIsThePooledOrUnpooledFeatures() {
        try (Graph g = new Graph()) {
            ResNetModel pooled = small(g, 2, 64, 64, smallBuilder().spec(n -> n.withScope("a")));
            assertThat(pooled.logits()).isEmpty();
            assertThat(pooled.predictions()).isEmpty();
            assertThat(pooled.output()).isSameAs(pooled.globalPool().orElseThrow());
            assertThat(pooled.endPoints())
                    .doesNotContainKeys("predictions", "a/logits")
                    .containsKey("global_pool");
            ResNetModel unpooled =
                    small(g, 2, 64, 64, smallBuilder().globalPool(false).spec(n -> n.withScope("b")));
            assertThat(unpooled.output()).isSameAs(unpooled.postnorm());
            assertThat(unpooled.output().op().name()).isEqualTo("b/postnorm/Relu");
            assertThat(unpooled.endPoints()).doesNotContainKey("global_pool");
            assertThat(pooled.globalPool().orElseThrow().op().name()).isEqualTo("a/pool5");
        }
    }

    /**
     * The official nets: keys generated here from the unit tables (3,4,6,3 / 3,4,23,3 / 3,8,36,3 / 3,24,36,3), with
     * 77 keys for resnet_v2_50 with classes, 74 without and 76 without spatial squeeze (slim-semantics.md §1.12).
     */
    @ParameterizedTest
    @EnumSource(Depth.class)
    void officialNetworksHaveSlimsKeysAndShapes(Depth depth) {
        int[] units = ReferenceCounts.unitsPerBlock(depth.layers());
        String scope = "resnet_v2_" + depth.layers();
        List<String> expected = new ArrayList<>(List.of(scope + "/conv1"));
        for (int b = 0; b < 4; b++) {
            for (int u = 1; u <= units[b]; u++) {
                String p = scope + "/block" + (b + 1) + "/unit_" + u + "/bottleneck_v2";
                if (u == 1) {
                    expected.add(p + "/shortcut");
                }
                expected.addAll(List.of(p + "/conv1", p + "/conv2", p + "/conv3", p));
            }
            expected.add(scope + "/block" + (b + 1));
        }
        List<String> withClasses = new ArrayList<>(expected);
        withClasses.addAll(List.of("global_pool", scope + "/logits", scope + "/spatial_squeeze", "predictions"));
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> images = ResNetV2.imagesPlaceholder(tf, 2, 224, 224);
            ResNetModel m = ResNetV2.builder(depth)
                    .spec(n -> n.withNumClasses(1001))
                    .isTraining(false)
                    .build(tf, images);
            assertThat(m.endPoints().keySet()).containsExactlyElementsOf(withClasses);
            assertThat(shape(m, scope + "/block1")).containsExactly(2, 28, 28, 256);
            assertThat(shape(m, scope + "/block2")).containsExactly(2, 14, 14, 512);
            assertThat(shape(m, scope + "/block3")).containsExactly(2, 7, 7, 1024);
            assertThat(shape(m, scope + "/block4")).containsExactly(2, 7, 7, 2048);
            assertThat(shape(m, scope + "/conv1")).containsExactly(2, 112, 112, 64);
            assertThat(shape(m, "predictions")).containsExactly(2, 1001);
            // the unit before a block's strided unit still runs at the full resolution (stride on the last unit)
            assertThat(shape(m, scope + "/block1/unit_" + units[0] + "/bottleneck_v2/conv1"))
                    .containsExactly(2, 56, 56, 64);
            assertThat(shape(m, scope + "/block1/unit_" + units[0] + "/bottleneck_v2/conv2"))
                    .containsExactly(2, 28, 28, 64);
            if (depth == Depth.D50) {
                assertThat(m.endPoints()).hasSize(77);
                ResNetModel noClasses = ResNetV2.builder(depth)
                        .spec(n -> n.withScope("nc"))
                        .isTraining(false)
                        .build(tf, images);
                assertThat(noClasses.endPoints()).hasSize(74);
                ResNetModel noSqueeze = ResNetV2.builder(depth)
                        .spec(n -> n.withScope("ns").withNumClasses(5))
                        .spatialSqueeze(false)
                        .isTraining(false)
                        .build(tf, images);
                assertThat(noSqueeze.endPoints()).hasSize(76);
                ResNetModel os16 = ResNetV2.builder(depth)
                        .spec(n -> n.withScope("os16").withOutputStride(16))
                        .isTraining(false)
                        .build(tf, images);
                assertThat(shape(os16, "os16/block3")).containsExactly(2, 14, 14, 1024);
                assertThat(shape(os16, "os16/block4")).containsExactly(2, 14, 14, 2048);
                ResNetModel os8 = ResNetV2.builder(depth)
                        .spec(n -> n.withScope("os8").withOutputStride(8))
                        .isTraining(false)
                        .build(tf, images);
                for (int b = 1; b <= 4; b++) {
                    assertThat(shape(os8, "os8/block" + b)[1]).isEqualTo(28);
                }
            }
        }
    }

    @Test
    void endPointsAreReadOnly() {
        try (Graph g = new Graph()) {
            ResNetModel m = small(g, 1, 32, 32, smallBuilder());
            Operand<?> any = m.output();
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> m.endPoints().put("x", any))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }
}
