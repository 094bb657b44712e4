/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReferenceCountsTest {

  @Test
  void matches_the_published_keras_resnet_v2_parameter_counts() {
    ReferenceCounts r50 = ReferenceCounts.of(new int[] {3, 4, 6, 3}, 224, 224, 1000);
    assertThat(r50.parameters()).isEqualTo(25_613_800L);
    assertThat(r50.parameters() - r50.nonTrainable()).isEqualTo(25_568_360L);
    assertThat(ReferenceCounts.of(new int[] {3, 8, 36, 3}, 224, 224, 1000).parameters()).isEqualTo(60_380_648L);
  }

  @Test
  void resnet_v2_50_has_slims_272_variables() {
    assertThat(ReferenceCounts.of(new int[] {3, 4, 6, 3}, 224, 224, 1001).variables()).isEqualTo(272);
  }
}
