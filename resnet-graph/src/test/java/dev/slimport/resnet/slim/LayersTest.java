/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import static dev.slimport.resnet.testing.SmallNets.slimTestInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.slimport.resnet.init.Initializer;
import dev.slimport.resnet.init.SlimL2Regularizer;
import dev.slimport.resnet.net.ResNetUtils;
import dev.slimport.resnet.testing.Graphs;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.Ref;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class LayersTest {

    /** An initializer that ignores the seed and returns {@code value}. */
    static Initializer fixed(Nhwc value) {
        return (tf, shape, seed) -> {
            assertThat(shape.asArray()).containsExactly(value.shape());
            try (TFloat32 t = value.toTensor()) {
                return tf.constant(t);
            }
        };
    }

    static LayerContext context(Graph g, ArgScope args) {
        return LayerContext.root(Ops.create(g), args, 0, false);
    }

    static Placeholder<TFloat32> input(Ops tf, long... shape) {
        return tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape)));
    }

    /**
     * slim's testConv2DSameEven / testConv2DSameOdd (resnet_v2_test.py): y1 = conv2d stride 1, y2 = subsample(y1, 2),
     * y3 = conv2d_same stride 2 equals y2, y4 = conv2d SAME stride 2 differs from y3 on even inputs only. Expected values
     * are slim's test vectors, checked against the plain-Java reference as well.
     */
    @ParameterizedTest
    @ValueSource(ints = {4, 5})
    void conv2dSameEqualsConvolutionThenSubsample(int n) {
        Nhwc x = slimTestInput(1, n, n, 1);
        Nhwc w = new Nhwc(new long[] {3, 3, 1, 1}, slimTestInput(1, 3, 3, 1).data());
        float[] y1Slim = n == 4
                ? new float[] {14, 28, 43, 26, 28, 48, 66, 37, 43, 66, 84, 46, 26, 37, 46, 22}
                : new float[] {
                    14, 28, 43, 58, 34, 28, 48, 66, 84, 46, 43, 66, 84, 102, 55, 58, 84, 102, 120, 64, 34, 46, 55, 64,
                    30
                };
        float[] y2Slim = n == 4 ? new float[] {14, 43, 43, 84} : new float[] {14, 43, 34, 43, 84, 55, 34, 55, 30};
        float[] y4Slim = n == 4 ? new float[] {48, 37, 37, 22} : y2Slim;
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            LayerContext ctx = context(g, ArgScope.empty().with(Conv2dArgs.WEIGHTS_INITIALIZER.of(fixed(w))));
            Placeholder<TFloat32> in = input(ctx.tf(), 1, n, n, 1);
            Operand<TFloat32> y1 = Layers.conv2d(ctx, in, 1, 3, "Conv", Conv2dArgs.STRIDE.of(1));
            Operand<TFloat32> y2 = ResNetUtils.subsample(ctx, y1, 2, "subsample");
            Operand<TFloat32> y3 = ResNetUtils.conv2dSame(ctx, in, 1, 3, 2, 1, "Conv_same");
            Operand<TFloat32> y4 = Layers.conv2d(ctx, in, 1, 3, "Conv_stride2", Conv2dArgs.STRIDE.of(2));
            List<Nhwc> out = Graphs.run(s, Map.of(in, x), List.of(y1, y2, y3, y4));
            assertThat(out.get(0).data()).containsExactly(y1Slim);
            assertThat(out.get(1).data()).containsExactly(y2Slim);
            assertThat(out.get(2).data()).containsExactly(y2Slim);
            assertThat(out.get(3).data()).containsExactly(y4Slim);
            assertThat(out.get(0).data())
                    .containsExactly(Ref.conv2dSamePadding(x, w, 1, 1).data());
            if (n == 4) {
                assertThat(out.get(3).data()).isNotEqualTo(out.get(2).data());
            }
        }
    }

    @Test
    void conv2dSamePadsIndependentlyOfTheInputSize() {
        // 7x7/2 on 224: conv2d_same pads (3,3) (TF SAME would pad (2,3)); result equals the reference with that
        // padding.
        Nhwc x = Nhwc.uniform(5, -1, 1, 1, 16, 16, 2);
        Nhwc w = Nhwc.uniform(6, -1, 1, 7, 7, 2, 3);
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            LayerContext ctx = context(
                    g,
                    ArgScope.empty()
                            .with(
                                    Conv2dArgs.WEIGHTS_INITIALIZER.of(fixed(w)),
                                    Conv2dArgs.ACTIVATION.of(Activation.NONE)));
            Placeholder<TFloat32> in = input(ctx.tf(), 1, 16, 16, 2);
            Nhwc y = Graphs.run(s, Map.of(in, x), ResNetUtils.conv2dSame(ctx, in, 3, 7, 2, 1, "conv1"));
            assertThat(y.shape()).containsExactly(1, 8, 8, 3);
            assertThat(y.maxAbsDiff(Ref.conv2d(x, w, 2, 1, new int[] {3, 3, 3, 3})))
                    .isLessThan(1e-4f);
            assertThat(y.maxAbsDiff(Ref.conv2dSamePadding(x, w, 2, 1))).isGreaterThan(1e-3f);
        }
    }

    /** slim's testSubsampleThreeByThree / testSubsampleFourByFour. */
    @Test
    void subsamplePicksEveryOtherPixel() {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            LayerContext ctx = context(g, ArgScope.empty());
            Placeholder<TFloat32> in3 = input(ctx.tf(), 1, 3, 3, 1);
            Placeholder<TFloat32> in4 = input(ctx.tf(), 1, 4, 4, 1);
            Nhwc r3 = new Nhwc(new long[] {1, 3, 3, 1}, new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8});
            Nhwc r4 = Nhwc.zeros(1, 4, 4, 1);
            for (int i = 0; i < 16; i++) r4.data()[i] = i;
            assertThat(Graphs.run(s, Map.of(in3, r3), ResNetUtils.subsample(ctx, in3, 2, "a"))
                            .data())
                    .containsExactly(0, 2, 6, 8);
            assertThat(Graphs.run(s, Map.of(in4, r4), ResNetUtils.subsample(ctx, in4, 2, "b"))
                            .data())
                    .containsExactly(0, 2, 8, 10);
            assertThat(ResNetUtils.subsample(ctx, in4, 1, "c")).isSameAs(in4);
        }
    }

    @ParameterizedTest
    @CsvSource({"9, 10, 3, 2, SAME", "8, 8, 3, 2, SAME", "9, 10, 3, 2, VALID", "7, 5, 2, 1, SAME"})
    void maxPoolMatchesTheReference(int h, int w, int k, int stride, Padding padding) {
        Nhwc x = Nhwc.uniform(9, -3, -1, 2, h, w, 3);
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            LayerContext ctx = context(g, ArgScope.empty().with(MaxPool2dArgs.PADDING.of(padding)));
            Placeholder<TFloat32> in = input(ctx.tf(), 2, h, w, 3);
            Operand<TFloat32> y = Layers.maxPool2d(ctx, in, k, "pool1", MaxPool2dArgs.STRIDE.of(stride));
            assertThat(y.op().type()).isEqualTo("MaxPool");
            assertThat(y.op().name()).isEqualTo("pool1/MaxPool");
            // all inputs negative: a zero-padded max would show zeros at the border
            assertThat(Graphs.run(s, Map.of(in, x), y).data())
                    .containsExactly(
                            Ref.maxPool(x, k, stride, padding == Padding.SAME).data());
        }
    }

    @Test
    void conv2dCreatesSlimsVariablesAndBiasesOnlyWithoutNormalizer() {
        try (Graph g = new Graph()) {
            LayerContext ctx = LayerContext.root(
                    Ops.create(g),
                    ArgScope.empty().with(Conv2dArgs.WEIGHTS_REGULARIZER.of(new SlimL2Regularizer(1e-4))),
                    0,
                    false);
            ModelCollections vars = ctx.collections();
            Placeholder<TFloat32> in = input(ctx.tf(), 2, 8, 8, 3);
            LayerContext net = ctx.withSubScope("net");
            Operand<TFloat32> a = Layers.conv2d(net, in, 4, 3, "plain");
            Operand<TFloat32> b = Layers.conv2d(
                    net,
                    a,
                    5,
                    new int[] {1, 3},
                    "normed",
                    Conv2dArgs.NORMALIZER.of(Normalizer.batchNorm(BatchNormArgs.SCALE.of(true))));
            assertThat(vars.variables().stream()
                            .map(v -> v.name() + v.shape() + (v.trainable() ? "T" : "F"))
                            .toList())
                    .containsExactly(
                            "net/plain/weights[3, 3, 3, 4]T",
                            "net/plain/biases[4]T",
                            "net/normed/weights[1, 3, 4, 5]T",
                            "net/normed/BatchNorm/gamma[5]T",
                            "net/normed/BatchNorm/beta[5]T",
                            "net/normed/BatchNorm/moving_mean[5]F",
                            "net/normed/BatchNorm/moving_variance[5]F");
            assertThat(vars.variables().get(0).variable().op().type()).isEqualTo("VariableV2");
            assertThat(vars.regularizationLosses()).hasSize(2);
            assertThat(vars.regularizationLosses().get(0).op().name())
                    .isEqualTo("net/plain/kernel/Regularizer/l2_regularizer");
            assertThat(b.shape().asArray()).containsExactly(2, 8, 8, 5);
            assertThat(vars.endPoints()).containsOnlyKeys("net/plain", "net/normed");
        }
    }

    @Test
    void batchNormInferenceFollowsTheFormulaWithMovingStatistics() {
        Nhwc x = Nhwc.uniform(1, -2, 3, 2, 5, 6, 4);
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            LayerContext ctx = LayerContext.root(Ops.create(g), ArgScope.empty(), 0, false);
            ModelCollections vars = ctx.collections();
            Placeholder<TFloat32> in = input(ctx.tf(), 2, 5, 6, 4);
            Operand<TFloat32> y = Layers.batchNorm(
                    ctx,
                    in,
                    "bn",
                    BatchNormArgs.IS_TRAINING.of(false),
                    BatchNormArgs.SCALE.of(true),
                    BatchNormArgs.EPSILON.of(1e-3),
                    BatchNormArgs.ACTIVATION.of(Activation.RELU));
            s.initialize();
            Graphs.randomize(s, ctx.tf(), vars.variables(), 3);
            Map<String, Nhwc> v = Graphs.values(s, vars.variables());
            Nhwc expected = Ref.relu(Ref.batchNorm(
                    x,
                    v.get("bn/gamma").data(),
                    v.get("bn/beta").data(),
                    v.get("bn/moving_mean").data(),
                    v.get("bn/moving_variance").data(),
                    1e-3));
            assertThat(Graphs.run(s, Map.of(in, x), y).maxAbsDiff(expected)).isLessThan(1e-5f);
            assertThat(vars.updateOps()).isEmpty();
        }
    }

    @Test
    void batchNormTrainingUsesBatchStatisticsAndUpdatesMovingAveragesByTheDecay() {
        Nhwc x = Nhwc.uniform(2, -1, 4, 3, 4, 5, 2);
        double decay = 0.9;
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            LayerContext ctx = LayerContext.root(Ops.create(g), ArgScope.empty(), 0, false);
            ModelCollections vars = ctx.collections();
            Placeholder<TFloat32> in = input(ctx.tf(), 3, 4, 5, 2);
            Operand<TFloat32> y =
                    Layers.batchNorm(ctx, in, "bn", BatchNormArgs.IS_TRAINING.of(true), BatchNormArgs.DECAY.of(decay));
            assertThat(vars.updateOps()).hasSize(2);
            s.initialize();
            Graphs.randomize(s, ctx.tf(), vars.variables(), 4);
            Map<String, Nhwc> before = Graphs.values(s, vars.variables());
            double[] mean = Ref.channelMean(x);
            double[] var = Ref.channelVariance(x);
            float[] meanF = new float[2];
            float[] varF = new float[2];
            for (int k = 0; k < 2; k++) {
                meanF[k] = (float) mean[k];
                varF[k] = (float) var[k];
            }
            // scale=False (slim's default): gamma is 1; center: beta applies
            Nhwc expected =
                    Ref.batchNorm(x, new float[] {1, 1}, before.get("bn/beta").data(), meanF, varF, 1e-3);
            Session.Runner r = s.runner();
            try (TFloat32 t = x.toTensor()) {
                r.feed(in, t).fetch(y);
                vars.updateOps().forEach(r::addTarget);
                try (var result = r.run()) {
                    assertThat(Nhwc.of((TFloat32) result.get(0)).maxAbsDiff(expected))
                            .isLessThan(1e-4f);
                }
            }
            Map<String, Nhwc> after = Graphs.values(s, vars.variables());
            int n = 3 * 4 * 5;
            for (int k = 0; k < 2; k++) {
                double mm = before.get("bn/moving_mean").data()[k];
                double mv = before.get("bn/moving_variance").data()[k];
                double besselVar = var[k] * n / (n - 1);
                assertThat(after.get("bn/moving_mean").data()[k])
                        .isCloseTo((float) (mm - (mm - mean[k]) * (1 - decay)), within(1e-5f));
                assertThat(after.get("bn/moving_variance").data()[k])
                        .isCloseTo((float) (mv - (mv - besselVar) * (1 - decay)), within(1e-5f));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"2, SAME, 9, 11", "3, SAME, 12, 12", "2, VALID, 10, 9", "4, SAME, 5, 6"})
    void atrousConvolutionEqualsTheDilatedReference(int rate, Padding padding, int h, int w) {
        Nhwc x = Nhwc.uniform(12, -1, 1, 2, h, w, 3);
        Nhwc k = Nhwc.uniform(13, -1, 1, 3, 3, 3, 4);
        Nhwc expected = padding == Padding.SAME ? Ref.conv2dSamePadding(x, k, 1, rate) : Ref.conv2dValid(x, k, 1, rate);
        for (boolean dynamic : new boolean[] {false, true}) {
            for (DataFormat format : DataFormat.values()) {
                try (Graph g = new Graph();
                        Session s = new Session(g)) {
                    LayerContext ctx = context(
                            g,
                            ArgScope.empty()
                                    .with(
                                            Conv2dArgs.WEIGHTS_INITIALIZER.of(fixed(k)),
                                            Conv2dArgs.ACTIVATION.of(Activation.NONE),
                                            Conv2dArgs.PADDING.of(padding),
                                            Conv2dArgs.DATA_FORMAT.of(format)));
                    Placeholder<TFloat32> in = format == DataFormat.NHWC
                            ? input(ctx.tf(), 2, dynamic ? -1 : h, dynamic ? -1 : w, 3)
                            : input(ctx.tf(), 2, 3, dynamic ? -1 : h, dynamic ? -1 : w);
                    Operand<TFloat32> y = Layers.conv2d(ctx, in, 4, 3, "atrous", Conv2dArgs.RATE.of(rate));
                    assertThat(g.operation("atrous/BatchToSpaceND").type()).isEqualTo("BatchToSpaceND");
                    assertThat(g.operation("atrous/Conv2D").attributes().getAttrIntList("dilations"))
                            .containsOnly(1);
                    Nhwc got = Graphs.run(s, Map.of(in, format == DataFormat.NHWC ? x : x.toNchw()), y);
                    if (format == DataFormat.NCHW) {
                        got = got.toNhwc();
                    }
                    if (!dynamic) {
                        assertThat(y.shape().asArray())
                                .containsExactly(
                                        format == DataFormat.NHWC
                                                ? expected.shape()
                                                : expected.toNchw().shape());
                    }
                    assertThat(got.maxAbsDiff(expected))
                            .as("dynamic=%s %s", dynamic, format)
                            .isLessThan(1e-4f);
                }
            }
        }
    }

    @Test
    void nchwLayersGiveTheSameNumbersAsNhwc() {
        Nhwc x = Nhwc.uniform(21, -1, 1, 2, 10, 9, 3);
        Nhwc[] outs = new Nhwc[2];
        for (DataFormat format : DataFormat.values()) {
            try (Graph g = new Graph();
                    Session s = new Session(g)) {
                ArgScope args = dev.slimport.resnet.net.ResNetArgScope.resnetArgScope()
                        .with(
                                Conv2dArgs.DATA_FORMAT.of(format),
                                BatchNormArgs.DATA_FORMAT.of(format),
                                MaxPool2dArgs.DATA_FORMAT.of(format),
                                BatchNormArgs.IS_TRAINING.of(false));
                LayerContext ctx = LayerContext.root(Ops.create(g), args, 5, false);
                ModelCollections vars = ctx.collections();
                Placeholder<TFloat32> in =
                        format == DataFormat.NHWC ? input(ctx.tf(), 2, 10, 9, 3) : input(ctx.tf(), 2, 3, 10, 9);
                Operand<TFloat32> y = ResNetUtils.conv2dSame(ctx, in, 8, 3, 2, 1, "a");
                y = Layers.maxPool2d(ctx, y, 3, "pool", MaxPool2dArgs.STRIDE.of(2));
                y = Layers.conv2d(ctx, y, 4, 3, "b", Conv2dArgs.RATE.of(2));
                y = Layers.batchNorm(ctx, y, "post", BatchNormArgs.ACTIVATION.of(Activation.RELU));
                y = Layers.globalAvgPool(ctx.tf(), y, format, "pool5");
                s.initialize();
                Graphs.randomize(s, ctx.tf(), vars.variables(), 8);
                Nhwc got = Graphs.run(s, Map.of(in, format == DataFormat.NHWC ? x : x.toNchw()), y);
                outs[format.ordinal()] = format == DataFormat.NHWC ? got : got.toNhwc();
            }
        }
        assertThat(outs[0].shape()).containsExactly(2, 1, 1, 4);
        assertThat(outs[0].maxAbs()).isGreaterThan(0f);
        assertThat(outs[1].maxAbsDiff(outs[0])).isLessThan(1e-4f);
    }

    @Test
    void badArgumentsFailBeforeAnyOpIsAdded() {
        try (Graph g = new Graph()) {
            LayerContext ctx = context(g, ArgScope.empty());
            Placeholder<TFloat32> in = input(ctx.tf(), 2, 8, 8, 3);
            Placeholder<TFloat32> rank3 = input(ctx.tf(), 8, 8, 3);
            Placeholder<TFloat32> noChannels = input(ctx.tf(), 2, 8, 8, -1);
            int ops = Graphs.opCount(g);
            assertThatThrownBy(() -> Layers.conv2d(ctx, in, 4, 3, "c", Conv2dArgs.RATE.of(2), Conv2dArgs.STRIDE.of(2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("rate")
                    .hasMessageContaining("stride");
            assertThatThrownBy(() -> Layers.conv2d(ctx, rank3, 4, 3, "c"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("rank 4");
            assertThatThrownBy(() -> Layers.conv2d(ctx, noChannels, 4, 3, "c"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("channel dimension");
            assertThatThrownBy(() -> Layers.conv2d(ctx, in, 0, 3, "c")).hasMessageContaining("num_outputs");
            assertThatThrownBy(() -> Layers.conv2d(ctx, in, 4, 3, null)).hasMessageContaining("scope");
            assertThatThrownBy(() -> Layers.conv2d(ctx, in, 4, 3, "bad/name")).hasMessageContaining("scope");
            assertThatThrownBy(() -> Layers.conv2d(ctx, in, 4, 3, "c", BatchNormArgs.DECAY.of(0.5)))
                    .hasMessageContaining("conv2d has no argument decay");
            assertThatThrownBy(() -> Layers.batchNorm(ctx, rank3, "bn")).hasMessageContaining("rank 4");
            assertThatThrownBy(() -> Layers.maxPool2d(ctx, in, 0, "p")).hasMessageContaining("kernel_size");
            assertThat(Graphs.opCount(g)).isEqualTo(ops);
        }
    }
}
