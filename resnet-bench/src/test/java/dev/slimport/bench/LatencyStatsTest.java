/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.slimport.bench.result.LatencyStats;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {

    @Test
    void mean_and_population_stddev_as_the_seed_computes_them() {
        LatencyStats s = LatencyStats.of(new double[] {2, 4, 4, 4, 5, 5, 7, 9});
        assertThat(s.count()).isEqualTo(8);
        assertThat(s.mean()).isEqualTo(5.0);
        assertThat(s.stddev()).isCloseTo(2.0, within(1e-15));
        assertThat(s.min()).isEqualTo(2.0);
        assertThat(s.max()).isEqualTo(9.0);
    }

    @Test
    void percentiles_interpolate_between_closest_ranks() {
        LatencyStats s = LatencyStats.of(new double[] {5, 1, 4, 2, 3});
        assertThat(s.median()).isEqualTo(3.0);
        assertThat(s.p90()).isCloseTo(4.6, within(1e-12));
        assertThat(s.p99()).isCloseTo(4.96, within(1e-12));
        assertThat(LatencyStats.of(new double[] {1, 2, 3, 4}).median()).isEqualTo(2.5);
    }

    @Test
    void no_steps_is_rejected() {
        assertThatThrownBy(() -> LatencyStats.of(new double[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("seconds");
    }
}
