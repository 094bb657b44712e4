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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * Variable names, parameter and multiply-add counts for every depth, derived here from the block tables of
 * resnet_v2.py (units 3,4,6,3 / 3,4,23,3 / 3,8,36,3 / 3,24,36,3; base depths 64..512; strides 2,2,2,1) and the
 * layer rules of slim-semantics.md — not from the library's own tables.
 */
class ResNetV2VariablesTest {

  private static int[] units(Depth d) {
    return switch (d) {
      case D50 -> new int[] {3, 4, 6, 3};
      case D101 -> new int[] {3, 4, 23, 3};
      case D152 -> new int[] {3, 8, 36, 3};
      case D200 -> new int[] {3, 24, 36, 3};
    };
  }

  private static final int[] BASE = {64, 128, 256, 512};
  private static final int[] STRIDE = {2, 2, 2, 1};

  /** name + shape of every variable in slim's creation order, and the totals, from the tables. */
  private record Expected(List<String> variables, long params, long trainable, long macs, int regLosses) {}

  private static Expected expected(Depth d, int classes, int image) {
    String s = "resnet_v2_" + d.layers();
    List<String> vars = new ArrayList<>();
    long[] params = {0, 0};
    long macs = 0;
    int reg = 0;
    int res = (image + 1) / 2;
    addConv(vars, params, s + "/conv1", 7, 3, 64, true);
    macs += (long) res * res * 7 * 7 * 3 * 64;
    reg++;
    res = (res + 1) / 2;
    int in = 64;
    for (int b = 0; b < 4; b++) {
      int depth = 4 * BASE[b];
      int bottleneck = BASE[b];
      int[] u = units(d);
      for (int i = 1; i <= u[b]; i++) {
        int stride = i == u[b] ? STRIDE[b] : 1;
        int out = (res + stride - 1) / stride;
        String p = s + "/block" + (b + 1) + "/unit_" + i + "/bottleneck_v2/";
        addBn(vars, params, p + "preact", in);
        if (in != depth) {
          addConv(vars, params, p + "shortcut", 1, in, depth, true);
          macs += (long) out * out * in * depth;
          reg++;
        }
        addConv(vars, params, p + "conv1", 1, in, bottleneck, false);
        addBn(vars, params, p + "conv1/BatchNorm", bottleneck);
        addConv(vars, params, p + "conv2", 3, bottleneck, bottleneck, false);
        addBn(vars, params, p + "conv2/BatchNorm", bottleneck);
        addConv(vars, params, p + "conv3", 1, bottleneck, depth, true);
        macs += (long) res * res * in * bottleneck + (long) out * out * 9 * bottleneck * bottleneck
            + (long) out * out * bottleneck * depth;
        reg += 3;
        in = depth;
        res = out;
      }
    }
    addBn(vars, params, s + "/postnorm", 2048);
    if (classes > 0) {
      addConv(vars, params, s + "/logits", 1, 2048, classes, true);
      macs += 2048L * classes;
      reg++;
    }
    return new Expected(vars, params[0], params[1], macs, reg);
  }

  private static void addConv(List<String> vars, long[] p, String scope, int k, int in, int out, boolean biases) {
    vars.add(scope + "/weights[" + k + ", " + k + ", " + in + ", " + out + "]T");
    p[0] += (long) k * k * in * out;
    p[1] += (long) k * k * in * out;
    if (biases) {
      vars.add(scope + "/biases[" + out + "]T");
      p[0] += out;
      p[1] += out;
    }
  }

  private static void addBn(List<String> vars, long[] p, String scope, int c) {
    vars.add(scope + "/gamma[" + c + "]T");
    vars.add(scope + "/beta[" + c + "]T");
    vars.add(scope + "/moving_mean[" + c + "]F");
    vars.add(scope + "/moving_variance[" + c + "]F");
    p[0] += 4L * c;
    p[1] += 2L * c;
  }

  @ParameterizedTest
  @EnumSource(Depth.class)
  void namesShapesAndCountsMatchTheTables(Depth depth) {
    Expected e = expected(depth, 1001, 224);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ResNetModel m =
          ResNetV2.builder(depth).numClasses(1001).isTraining(false)
              .build(tf, ResNetV2.imagesPlaceholder(tf, -1, 224, 224));
      assertThat(m.variables().stream().map(v -> v.name() + v.shape() + (v.trainable() ? "T" : "F")).toList())
          .containsExactlyElementsOf(e.variables());
      assertThat(m.parameterCount()).isEqualTo(e.params());
      assertThat(m.trainableParameterCount()).isEqualTo(e.trainable());
      assertThat(m.multiplyAdds()).hasValue(e.macs());
      assertThat(m.regularizationLosses()).hasSize(e.regLosses());
      assertThat(m.updateOps()).isEmpty();
      assertThat(m.movingStatistics()).allMatch(v -> !v.trainable() && v.role().isMovingStatistic());
      for (ModelVariable v : m.variables()) {
        assertThat(v.variable().op().type()).isEqualTo("VariableV2");
        assertThat(v.variable().op().name()).isEqualTo(v.name());
      }
    }
  }

  /** slim-semantics.md §1.11: 54 / 105 / 156 / 204 regularization losses, including root conv1 and logits. */
  @Test
  void regularizationLossCountsOfSlim() {
    assertThat(expected(Depth.D50, 1001, 224).regLosses()).isEqualTo(54);
    assertThat(expected(Depth.D101, 1001, 224).regLosses()).isEqualTo(105);
    assertThat(expected(Depth.D152, 1001, 224).regLosses()).isEqualTo(156);
    assertThat(expected(Depth.D200, 1001, 224).regLosses()).isEqualTo(204);
  }

  /**
   * Keras' ResNet50V2/101V2/152V2 have the same layers as slim's v2 nets (pre-activation bottlenecks with the stride
   * on the last unit, biased conv1/shortcut/conv3); their published totals for 1000 classes are 25,613,800,
   * 44,675,560 and 60,380,648 parameters.
   */
  @Test
  void parameterTotalsMatchKerasPublishedFigures() {
    assertThat(expected(Depth.D50, 1000, 224).params()).isEqualTo(25_613_800L);
    assertThat(expected(Depth.D101, 1000, 224).params()).isEqualTo(44_675_560L);
    assertThat(expected(Depth.D152, 1000, 224).params()).isEqualTo(60_380_648L);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ResNetModel m =
          ResNetV2.builder(Depth.D50).numClasses(1000).isTraining(false)
              .build(tf, ResNetV2.imagesPlaceholder(tf, 1, 224, 224));
      assertThat(m.parameterCount()).isEqualTo(25_613_800L);
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
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      ResNetModel m =
          ResNetV2.builder(Depth.D50.blocks(1)).numClasses(3).build(tf, ResNetV2.imagesPlaceholder(tf, 1, 32, 32));
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
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      ResNetModel m =
          ResNetV2.builder(Depth.D50.blocks(1)).numClasses(3).seed(seed)
              .build(tf, ResNetV2.imagesPlaceholder(tf, 1, 32, 32));
      s.initialize();
      return Graphs.values(s, m);
    }
  }

  @Test
  void trainingModelExposesOneMeanAndOneVarianceUpdatePerBatchNorm() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ResNetModel m =
          ResNetV2.builder(Depth.D50.blocks(1)).numClasses(3).isTraining(true)
              .build(tf, ResNetV2.imagesPlaceholder(tf, 4, 64, 64));
      assertThat(m.updateOps()).hasSize(m.movingStatistics().size());
      assertThat(m.updateOps()).allMatch(op -> op.op().type().equals("AssignSub"));
    }
  }
}
