/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.slimport.resnet.testing.Graphs;
import dev.slimport.resnet.testing.Nhwc;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class SlimVarianceScalingTest {

  @Test
  void stddevOfTheResNetKernelsMatchesSlimsFormula() {
    SlimVarianceScaling he = SlimVarianceScaling.slimDefault();
    // sqrt(1.3 * 2 / fan_in), values from slim-semantics.md §1.10
    assertThat(he.stddev(Shape.of(7, 7, 3, 64))).isCloseTo(0.1329928, within(1e-7));
    assertThat(he.stddev(Shape.of(1, 1, 64, 256))).isCloseTo(0.2015564, within(1e-7));
    assertThat(he.stddev(Shape.of(3, 3, 64, 64))).isCloseTo(0.0671855, within(1e-7));
    assertThat(he.stddev(Shape.of(3, 3, 512, 512))).isCloseTo(0.0237537, within(1e-7));
    assertThat(he.stddev(Shape.of(1, 1, 2048, 1001))).isCloseTo(0.0356305, within(1e-7));
  }

  @Test
  void fansFollowSlim() {
    assertThat(SlimVarianceScaling.slimDefault().fan(Shape.of(3, 3, 16, 32))).isEqualTo(144);
    assertThat(new SlimVarianceScaling(2, SlimVarianceScaling.Mode.FAN_OUT, false).fan(Shape.of(3, 3, 16, 32)))
        .isEqualTo(288);
    assertThat(new SlimVarianceScaling(2, SlimVarianceScaling.Mode.FAN_AVG, false).fan(Shape.of(3, 3, 16, 32)))
        .isEqualTo(216);
    assertThat(SlimVarianceScaling.slimDefault().fan(Shape.scalar())).isEqualTo(1);
  }

  /**
   * slim's initializers_test oracle: np.var(values) within 1e-3 of factor/n, for shape [100, 40] (n = 100 -> 0.02)
   * and [100, 40, 5, 7] (n = 2 / (100 * 40 * 5) -> 1e-4), normal and uniform.
   */
  @Test
  void sampleVarianceIsFactorOverFanIn() {
    for (boolean uniform : new boolean[] {false, true}) {
      SlimVarianceScaling init = new SlimVarianceScaling(2.0, SlimVarianceScaling.Mode.FAN_IN, uniform);
      assertThat(variance(init, Shape.of(100, 40), 7)).isCloseTo(0.02, within(1e-3));
      assertThat(variance(init, Shape.of(100, 40, 5, 7), 7)).isCloseTo(1e-4, within(1e-3));
    }
  }

  @Test
  void truncatedNormalHasSlimsCorrectedVarianceAndStaysWithinTwoSigma() {
    SlimVarianceScaling init = SlimVarianceScaling.slimDefault();
    Shape shape = Shape.of(3, 3, 64, 512);
    Nhwc values = sample(init, shape, 11);
    double stddev = Math.sqrt(1.3 * 2 / (3 * 3 * 64));
    for (float v : values.data()) {
      assertThat(Math.abs(v)).isLessThanOrEqualTo((float) (2 * stddev * 1.0001));
    }
    // the variance of a +/-2 sigma truncated unit normal is 0.773741 (slim-semantics.md §1.10)
    double expected = 1.3 * 0.773741 * 2 / (3 * 3 * 64);
    assertThat(variance(values)).isCloseTo(expected, within(expected * 0.01));
  }

  @Test
  void sameSeedGivesTheSameValuesAndAnotherSeedOthers() {
    SlimVarianceScaling init = SlimVarianceScaling.slimDefault();
    Nhwc a = sample(init, Shape.of(4, 5), 1);
    Nhwc b = sample(init, Shape.of(4, 5), 1);
    Nhwc c = sample(init, Shape.of(4, 5), 2);
    assertThat(a.data()).containsExactly(b.data());
    assertThat(a.maxAbsDiff(c)).isGreaterThan(0f);
  }

  @Test
  void invalidArgumentsAreRejected() {
    assertThatThrownBy(() -> new SlimVarianceScaling(-1, SlimVarianceScaling.Mode.FAN_IN, false))
        .hasMessageContaining("factor");
    assertThatThrownBy(() -> new SlimVarianceScaling(2, null, false)).hasMessageContaining("mode");
  }

  private static double variance(SlimVarianceScaling init, Shape shape, long seed) {
    return variance(sample(init, shape, seed));
  }

  private static double variance(Nhwc values) {
    double mean = 0;
    for (float v : values.data()) mean += v;
    mean /= values.data().length;
    double var = 0;
    for (float v : values.data()) var += (v - mean) * (v - mean);
    return var / values.data().length;
  }

  private static Nhwc sample(SlimVarianceScaling init, Shape shape, long seed) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> values = init.create(tf, shape, seed);
      assertThat(values.shape()).isEqualTo(shape);
      return Graphs.run(s, Map.of(), values);
    }
  }
}
