/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.testing.Graphs;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.SmallNets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
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
}
