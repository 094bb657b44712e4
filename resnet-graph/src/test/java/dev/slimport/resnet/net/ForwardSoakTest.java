/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.testing.MemorySampler;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.SmallNets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Repeated forward calls through the library do not grow resident memory: after a warm-up, 100 calls (CI) or 1,000
 * calls on resnet_v2_50 ({@code soak} tag) change VmRSS by at most 5%. A control run that forgets to close its input
 * tensors shows the measurement notices a leak of the same size.
 */
class ForwardSoakTest {

  private static final int BATCH = 8;
  private static final int SIZE = 128;

  @Test
  void hundredForwardCallsDoNotGrowResidentMemory() {
    Growth g = soak(ResNetV2.builder(SmallNets.small()), 30, 100, false);
    assertThat(g.relative()).as("VmRSS %,d -> %,d bytes", g.before, g.after).isLessThanOrEqualTo(0.05);
  }

  @Test
  void theMeasurementSeesALeakOfTheInputs() {
    // each leaked input is 8 x 128 x 128 x 3 floats = 1.5 MiB; 100 of them are 150 MiB
    Growth g = soak(ResNetV2.builder(SmallNets.small()), 30, 100, true);
    assertThat(g.after - g.before).isGreaterThan(100L << 20);
  }

  @Test
  @Tag("soak")
  void thousandForwardCallsOfResnetV2_50DoNotGrowResidentMemory() {
    Growth g = soak(ResNetV2.resnetV2_50().numClasses(1000), 50, 1000, false);
    System.out.printf("resnet_v2_50 soak: VmRSS %,d -> %,d bytes (%+.2f%%), JavaCPP physical %,d bytes%n",
        g.before, g.after, 100 * g.relative(), MemorySampler.javacppPhysicalBytes());
    assertThat(g.relative()).isLessThanOrEqualTo(0.05);
  }

  private record Growth(long before, long after) {
    double relative() {
      return (double) (after - before) / before;
    }
  }

  private static Growth soak(ResNetV2.Builder builder, int warmup, int calls, boolean leakInputs) {
    List<TFloat32> leaked = new ArrayList<>();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      ResNetModel m = builder.isTraining(false).build(tf, ResNetV2.imagesPlaceholder(tf, BATCH, SIZE, SIZE));
      s.initialize();
      long before = 0;
      for (int i = 0; i < warmup + calls; i++) {
        if (i == warmup) {
          before = MemorySampler.residentBytes();
        }
        TFloat32 input = Nhwc.uniform(i, -1, 1, BATCH, SIZE, SIZE, 3).toTensor();
        try (Result r = s.runner().feed(m.images(), input).fetch(m.output()).run()) {
          assertThat(r.get(0).shape().get(0)).isEqualTo(BATCH);
        }
        if (leakInputs) {
          leaked.add(input);
        } else {
          input.close();
        }
      }
      return new Growth(before, MemorySampler.residentBytes());
    } finally {
      leaked.forEach(TFloat32::close);
    }
  }
}
