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
        assertThat(SlimVarianceScaling.slimDefault().fan(Shape.of(3, 3, 16, 32)))
                .isEqualTo(144);
        assertThat(new SlimVarianceScaling(2, SlimVarianceScaling.Mode.FAN_OUT, false).fan(Shape.of(3, 3, 16, 32)))
                .isEqualTo(288);
        assertThat(new SlimVarianceScaling(2, SlimVarianceScaling.Mode.FAN_AVG, false).fan(Shape.of(3, 3, 16, 32)))
                .isEqualTo(216);
        assertThat(SlimVarianceScaling.slimDefault().fan(Shape.scalar())).isEqualTo(1);
    }

    /*
     * The sample variance s² of N independent draws from a distribution with variance σ² and fourth central moment μ4
     * has mean σ²(1 - 1/N) and standard deviation sqrt((μ4 - σ⁴) / N) to first order, i.e. σ²·sqrt((κ - 1) / N) with
     * the kurtosis κ = μ4 / σ⁴. Draws of a ±2σ-truncated normal: with φ(2) = 0.0539909665, Φ(2) = 0.9772498681,
     * Z = 2Φ(2) - 1, the unit-scale moments are E[X²] = 1 - 4φ(2)/Z = 0.773741 and E[X⁴] = 3E[X²] - 16φ(2)/Z, so
     * κ = 2.3655; draws of U(-L, L): σ² = L²/3, μ4 = L⁴/5, κ = 1.8. The tests accept s² within 5 standard deviations
     * of the expected variance on either side (a fixed seed, so the outcome does not vary; 5σ so that a correct
     * initializer is not rejected by chance for another seed either).
     */
    private static final double PHI_2 = 0.05399096651318806;
    private static final double Z_2 = 2 * 0.9772498680518208 - 1;
    private static final double TRUNCATED_VARIANCE = 1 - 4 * PHI_2 / Z_2;
    private static final double TRUNCATED_KURTOSIS =
            (3 * TRUNCATED_VARIANCE - 16 * PHI_2 / Z_2) / (TRUNCATED_VARIANCE * TRUNCATED_VARIANCE);
    private static final double UNIFORM_KURTOSIS = 1.8;

    private static void assertVarianceWithinSampling(Nhwc values, double expected, double kurtosis) {
        int n = values.data().length;
        double sd = expected * Math.sqrt((kurtosis - 1) / n);
        assertThat(variance(values))
                .as("variance of %d draws, expected %.6g ± 5 × %.3g", n, expected, sd)
                .isCloseTo(expected * (1 - 1.0 / n), within(5 * sd));
    }

    @Test
    void theTruncatedNormalMomentsAreSlimsFigures() {
        assertThat(TRUNCATED_VARIANCE).isCloseTo(0.773741, within(1e-6));
        assertThat(TRUNCATED_KURTOSIS).isCloseTo(2.3655, within(1e-4));
    }

    /**
     * slim's initializers_test shapes: [100, 40] (n = 100, factor/n = 0.02) and [100, 40, 5, 7] (n = 100 · 40 · 5,
     * factor/n = 1e-4), normal and uniform. The normal variance is slim's 1.3 · 0.773741 · factor/n (truncated at ±2σ
     * of stddev sqrt(1.3 · factor / n)); the uniform one factor/n exactly.
     */
    @Test
    void sampleVarianceIsFactorOverFanInWithinItsSamplingError() {
        for (boolean uniform : new boolean[] {false, true}) {
            SlimVarianceScaling init = new SlimVarianceScaling(2.0, SlimVarianceScaling.Mode.FAN_IN, uniform);
            double correction = uniform ? 1 : 1.3 * TRUNCATED_VARIANCE;
            double kurtosis = uniform ? UNIFORM_KURTOSIS : TRUNCATED_KURTOSIS;
            assertVarianceWithinSampling(sample(init, Shape.of(100, 40), 7), correction * 0.02, kurtosis);
            assertVarianceWithinSampling(sample(init, Shape.of(100, 40, 5, 7), 7), correction * 1e-4, kurtosis);
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
        assertVarianceWithinSampling(values, 1.3 * TRUNCATED_VARIANCE * 2 / (3 * 3 * 64), TRUNCATED_KURTOSIS);
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
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Operand<TFloat32> values = init.create(tf, shape, seed);
            assertThat(values.shape()).isEqualTo(shape);
            return Graphs.run(s, Map.of(), values);
        }
    }
}
