/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReferenceCountsTest {

    @Test
    void matches_the_published_keras_resnet_v2_parameter_counts() {
        ReferenceCounts r50 = ReferenceCounts.of(new int[] {3, 4, 6, 3}, 224, 224, 1000);
        assertThat(r50.parameters()).isEqualTo(25_613_800L);
        assertThat(r50.parameters() - r50.nonTrainable()).isEqualTo(25_568_360L);
        assertThat(ReferenceCounts.of(new int[] {3, 8, 36, 3}, 224, 224, 1000).parameters())
                .isEqualTo(60_380_648L);
    }

    @Test
    void resnet_v2_50_has_slims_272_variables() {
        assertThat(ReferenceCounts.of(new int[] {3, 4, 6, 3}, 224, 224, 1001).variables())
                .isEqualTo(272);
    }

    @Test
    void an_output_stride_of_32_is_the_nominal_net_and_smaller_ones_keep_the_parameters() {
        int[] units = ReferenceCounts.unitsPerBlock(50);
        ReferenceCounts nominal = ReferenceCounts.of(units, 224, 224, 1001);
        assertThat(ReferenceCounts.of(units, 224, 224, 1001, 32)).isEqualTo(nominal);
        ReferenceCounts os16 = ReferenceCounts.of(units, 224, 224, 1001, 16);
        assertThat(os16.parameters()).isEqualTo(nominal.parameters());
        // block4 (3 units: 1x1 2048->512 or 1024->512, 3x3 512->512, 1x1 512->2048, one 1024->2048 shortcut) at 14x14
        // instead of 7x7, and block3's last unit's 3x3 + 1x1 at 14x14 instead of 7x7
        long block4 = 1024L * 512 + 2 * 2048L * 512 + 3 * (9L * 512 * 512 + 512L * 2048) + 1024L * 2048;
        long block3Last = 9L * 256 * 256 + 256L * 1024;
        assertThat(os16.multiplyAdds() - nominal.multiplyAdds()).isEqualTo((block4 + block3Last) * (14 * 14 - 7 * 7));
        assertThatThrownBy(() -> ReferenceCounts.of(units, 224, 224, 1001, 64))
                .hasMessageContaining("cannot be reached");
    }
}
