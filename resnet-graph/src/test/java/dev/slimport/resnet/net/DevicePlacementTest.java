/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.runtime.Devices;
import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.testing.Graphs;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.RoundOff;
import dev.slimport.resnet.testing.SmallNets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;

/**
 * GPU graphs are built and checked on any machine: placement in the GraphDef, soft placement to the CPU when no GPU
 * exists, and the GPU's own results where TensorFlow sees one (the outcomes depend on {@link Devices#list}).
 */
class DevicePlacementTest {
    /** The GPUs TensorFlow sees here: 0 on a CPU build or a host without a usable GPU. */
    private static final int GPUS = Devices.gpuCount(Devices.list(null));

    /**
     * Layers with a reduction on the small net's deepest path: root conv1, 11 units of conv1/conv2/conv3 (the
     * shortcut runs beside them), and logits.
     */
    private static final DeviceSpec GPU0 = DeviceSpec.newBuilder()
            .deviceType(DeviceSpec.DeviceType.GPU)
            .deviceIndex(0)
            .build();

    static final int SMALL_NET_LAYERS = 1 + 11 * 3 + 1;

    /** The fan-ins summed along that path, with 4 classes ({@link RoundOff#fanInsOnTheDeepestPath}). */
    static final long SMALL_NET_FAN_INS = RoundOff.fanInsOnTheDeepestPath(SmallNets.SMALL_TABLE, 4);

    @Test
    void everyModelOpIsPlacedOnTheChosenDeviceAndSoftPlacementFallsBackToTheCpu() {
        DeviceSpec gpu = GPU0;
        Nhwc images = Nhwc.uniform(1, -1, 1, 2, 32, 32, 3);
        Nhwc[] logits = new Nhwc[2];
        for (int i = 0; i < 2; i++) {
            try (Graph g = new Graph()) {
                Ops tf = Ops.create(g);
                DataFormat format = i == 0 ? DataFormat.NHWC : DataFormat.NCHW;
                ResNetV2.Builder b = ResNetV2.builder(SmallNets.small())
                        .isTraining(false)
                        .spec(n -> n.withNumClasses(4).withDataFormat(format))
                        .seed(2);
                ResNetModel m = b.build(i == 0 ? tf : tf.withDevice(gpu), ResNetV2.imagesPlaceholder(tf, 2, 32, 32));
                if (i == 1) {
                    long placed = 0;
                    for (NodeDef node : g.toGraphDef().getNodeList()) {
                        if (node.getName().startsWith("resnet_v2/")) {
                            assertThat(node.getDevice()).as(node.getName()).isEqualTo("/device:GPU:0");
                            placed++;
                        }
                    }
                    assertThat(placed).isGreaterThan(100);
                }
                ConfigProto soft =
                        ConfigProto.newBuilder().setAllowSoftPlacement(true).build();
                try (Session s = new Session(g, soft)) {
                    logits[i] =
                            Graphs.run(s, Map.of(m.images(), images), m.logits().orElseThrow());
                }
            }
        }
        // Both are float32 but different kernels (NCHW through oneDNN or cuDNN, NHWC through Eigen), so they may sum in
        // other orders: 2·γ(K)·scale with K the summed fan-ins on the deepest path. On a GPU, cuDNN may also round
        // float32 convolution inputs and filters to TF32 (u = 2^-11): γ(2L) more.
        double bound = RoundOff.twoSums(SMALL_NET_FAN_INS, 1, RoundOff.FLOAT32)
                + (GPUS > 0 ? RoundOff.gamma(2 * SMALL_NET_LAYERS, RoundOff.FLOAT16) : 0);
        assertThat(logits[1].maxAbsDiff(logits[0])).isLessThan((float) (bound * Math.max(1f, logits[0].maxAbs())));
    }

    /**
     * The GPU configuration (NCHW, float16, GPU:0) builds with half-precision NCHW convolutions placed on the GPU.
     * Without a GPU it fails with TensorFlow's clear error (the CPU's default pooling kernel is NHWC-only for half),
     * never a crash; with one it runs there and stays within float16 round-off of float32. float16 in NHWC runs on the
     * CPU and stays close to float32.
     */
    @Test
    void float16NchwGpuGraphBuildsAndFailsCleanlyWithoutAGpu() {
        DeviceSpec gpu = GPU0;
        Nhwc images = Nhwc.uniform(3, -1, 1, 2, 32, 32, 3);
        ConfigProto soft = ConfigProto.newBuilder().setAllowSoftPlacement(true).build();
        Nhwc[] logits = new Nhwc[2];
        for (int i = 0; i < 2; i++) {
            try (Graph g = new Graph()) {
                Ops tf = Ops.create(g);
                ResNetV2.Builder b = ResNetV2.builder(SmallNets.small())
                        .isTraining(false)
                        .spec(n -> n.withNumClasses(4))
                        .seed(5);
                if (i == 1) {
                    b.spec(n -> n.withPrecision(Precision.FP16));
                }
                ResNetModel m = b.build(tf, ResNetV2.imagesPlaceholder(tf, 2, 32, 32));
                try (Session s = new Session(g, soft)) {
                    logits[i] =
                            Graphs.run(s, Map.of(m.images(), images), m.logits().orElseThrow());
                }
            }
        }
        assertThat(logits[1].maxAbsDiff(logits[0])).isLessThan(2e-2f * Math.max(1f, logits[0].maxAbs()));

        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(SmallNets.small())
                    .isTraining(false)
                    .spec(n -> n.withNumClasses(4))
                    .seed(5)
                    .spec(n -> n.withDataFormat(DataFormat.NCHW).withPrecision(Precision.FP16))
                    .build(tf.withDevice(gpu), ResNetV2.imagesPlaceholder(tf, 2, 32, 32));
            GraphOperation conv = g.operation("resnet_v2/block1/unit_1/bottleneck_v2/conv2/Conv2D");
            assertThat(conv.attributes().getAttrType("T")).isEqualTo(DataType.DT_HALF);
            assertThat(conv.attributes().getAttrString("data_format")).isEqualTo("NCHW");
            assertThat(conv.device()).isEqualTo("/device:GPU:0");
            GraphOperation pad = g.operation("resnet_v2/block1/unit_3/bottleneck_v2/Pad");
            assertThat(pad.input(1).shape().asArray()).containsExactly(4, 2);
            assertThat(m.endPoints().get("resnet_v2/block1").shape().asArray()).containsExactly(2, 4, 4, 4);
            assertThat(m.logits().orElseThrow().type()).isEqualTo(TFloat32.class);
            try (Session s = new Session(g, soft)) {
                if (GPUS > 0) {
                    // with a GPU the graph runs there: float16 NCHW logits stay within float16 round-off of float32
                    // NHWC
                    Nhwc gpuLogits =
                            Graphs.run(s, Map.of(m.images(), images), m.logits().orElseThrow());
                    assertThat(gpuLogits.maxAbsDiff(logits[0]))
                            .isLessThan((float) (float16Bound() * Math.max(1f, logits[0].maxAbs())));
                } else {
                    assertThatThrownBy(() -> Graphs.run(
                                    s, Map.of(m.images(), images), m.logits().orElseThrow()))
                            .isInstanceOf(TFInvalidArgumentException.class)
                            .hasMessageContaining("NHWC");
                }
            }
        }
    }

    /**
     * The relative bound of a float16 graph against a float32 one on the same weights: each layer on the deepest path
     * rounds its input, its filter and its output to float16 (3 roundings of u = 2^-11, accumulation in float32 as
     * cuDNN and the CPU kernels do for half), plus the float32 accumulation-order bound.
     */
    static double float16Bound() {
        return RoundOff.gamma(3 * SMALL_NET_LAYERS, RoundOff.FLOAT16)
                + RoundOff.twoSums(SMALL_NET_FAN_INS, 1, RoundOff.FLOAT32);
    }
}
