/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.testing.Graphs;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.SmallNets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.NodeDef;

/** GPU graphs are built and checked on the CPU: placement in the GraphDef, and soft placement when no GPU exists. */
class DevicePlacementTest {

  @Test
  void everyModelOpIsPlacedOnTheChosenDeviceAndSoftPlacementFallsBackToTheCpu() {
    DeviceSpec gpu = DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(0).build();
    Nhwc images = Nhwc.uniform(1, -1, 1, 2, 32, 32, 3);
    Nhwc[] logits = new Nhwc[2];
    for (int i = 0; i < 2; i++) {
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        ResNetV2.Builder b =
            ResNetV2.builder(SmallNets.small()).isTraining(false).numClasses(4).seed(2)
                .dataFormat(i == 0 ? DataFormat.NHWC : DataFormat.NCHW);
        ResNetModel m = (i == 0 ? b : b.device(gpu)).build(tf, ResNetV2.imagesPlaceholder(tf, 2, 32, 32));
        if (i == 1) {
          long placed = 0;
          for (NodeDef node : g.toGraphDef().getNodeList()) {
            if (node.getName().startsWith("resnet_v2/")) {
              assertThat(node.getDevice()).as(node.getName()).isEqualTo("/device:GPU:0");
              placed++;
            }
          }
          assertThat(placed).isGreaterThan(100);
          assertThat(m.config().device()).isEqualTo("/device:GPU:0");
        }
        ConfigProto soft = ConfigProto.newBuilder().setAllowSoftPlacement(true).build();
        try (Session s = new Session(g, soft)) {
          logits[i] = Graphs.run(s, Map.of(m.images(), images), m.logits().orElseThrow());
        }
      }
    }
    assertThat(logits[1].maxAbsDiff(logits[0])).isLessThan(1e-4f * Math.max(1f, logits[0].maxAbs()));
  }

  /**
   * The GPU configuration (NCHW, float16, GPU:0) builds on the CPU with half-precision NCHW convolutions placed on
   * the GPU. Run here, it fails with TensorFlow's clear error (the CPU's default pooling kernel is NHWC-only for
   * half), never a crash; float16 in NHWC runs on the CPU and stays close to float32.
   */
  @Test
  void float16NchwGpuGraphBuildsAndFailsCleanlyWithoutAGpu() {
    DeviceSpec gpu = DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(0).build();
    Nhwc images = Nhwc.uniform(3, -1, 1, 2, 32, 32, 3);
    ConfigProto soft = ConfigProto.newBuilder().setAllowSoftPlacement(true).build();
    Nhwc[] logits = new Nhwc[2];
    for (int i = 0; i < 2; i++) {
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        ResNetV2.Builder b = ResNetV2.builder(SmallNets.small()).isTraining(false).numClasses(4).seed(5);
        if (i == 1) {
          b.computeType(TFloat16.class);
        }
        ResNetModel m = b.build(tf, ResNetV2.imagesPlaceholder(tf, 2, 32, 32));
        try (Session s = new Session(g, soft)) {
          logits[i] = Graphs.run(s, Map.of(m.images(), images), m.logits().orElseThrow());
        }
      }
    }
    assertThat(logits[1].maxAbsDiff(logits[0])).isLessThan(2e-2f * Math.max(1f, logits[0].maxAbs()));

    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ResNetModel m =
          ResNetV2.builder(SmallNets.small()).isTraining(false).numClasses(4).dataFormat(DataFormat.NCHW)
              .device(gpu).computeType(TFloat16.class).build(tf, ResNetV2.imagesPlaceholder(tf, 2, 32, 32));
      GraphOperation conv = g.operation("resnet_v2/block1/unit_1/bottleneck_v2/conv2/Conv2D");
      assertThat(conv.attributes().getAttrType("T")).isEqualTo(DataType.DT_HALF);
      assertThat(conv.attributes().getAttrString("data_format")).isEqualTo("NCHW");
      assertThat(conv.device()).isEqualTo("/device:GPU:0");
      GraphOperation pad = g.operation("resnet_v2/block1/unit_3/bottleneck_v2/Pad");
      assertThat(pad.input(1).shape().asArray()).containsExactly(4, 2);
      assertThat(m.endPoints().get("resnet_v2/block1").shape().asArray()).containsExactly(2, 4, 4, 4);
      assertThat(m.logits().orElseThrow().type()).isEqualTo(TFloat32.class);
      try (Session s = new Session(g, soft)) {
        assertThatThrownBy(() -> Graphs.run(s, Map.of(m.images(), images), m.logits().orElseThrow()))
            .isInstanceOf(TFInvalidArgumentException.class)
            .hasMessageContaining("NHWC");
      }
    }
  }
}
