/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** output_stride bookkeeping of stack_blocks_dense, with slim-semantics.md §1.4's worked examples. */
class StridePlanTest {

    private static List<String> rates(StridePlan plan) {
        return plan.blocks().stream()
                .map(b -> b.units().stream()
                        .map(u -> u.unit().stride() + "@" + u.rate())
                        .toList()
                        .toString())
                .toList();
    }

    @Test
    void resnetV2_50AtOutputStride8() {
        // with the root block the stack's target is 8 / 4 = 2
        StridePlan plan =
                ResNetV2.builder(Depth.D50).spec(n -> n.withOutputStride(8)).stridePlan();
        assertThat(rates(plan))
                .containsExactly(
                        "[1@1, 1@1, 2@1]", "[1@1, 1@1, 1@1, 1@1]", "[1@2, 1@2, 1@2, 1@2, 1@2, 1@2]", "[1@4, 1@4, 1@4]");
        assertThat(plan.outputStride()).isEqualTo(2);
    }

    @Test
    void unitThatDropsItsStrideKeepsTheOldRate() {
        StridePlan plan =
                ResNetV2.builder(Depth.D50).spec(n -> n.withOutputStride(8)).stridePlan();
        // block2/unit_4 drops its stride 2 but runs at the old rate 1; only the units after it use rate 2
        assertThat(plan.blocks().get(1).units().get(3).rate()).isEqualTo(1);
        assertThat(plan.blocks().get(2).units().get(0).rate()).isEqualTo(2);
        StridePlan os16 =
                ResNetV2.builder(Depth.D50).spec(n -> n.withOutputStride(16)).stridePlan();
        assertThat(rates(os16))
                .containsExactly(
                        "[1@1, 1@1, 2@1]", "[1@1, 1@1, 1@1, 2@1]", "[1@1, 1@1, 1@1, 1@1, 1@1, 1@1]", "[1@2, 1@2, 1@2]");
    }

    @Test
    void nominalPlanWithoutOutputStride() {
        StridePlan plan = ResNetV2.builder(Depth.D50).stridePlan();
        assertThat(rates(plan))
                .containsExactly(
                        "[1@1, 1@1, 2@1]", "[1@1, 1@1, 1@1, 2@1]", "[1@1, 1@1, 1@1, 1@1, 1@1, 2@1]", "[1@1, 1@1, 1@1]");
        assertThat(plan.outputStride()).isEqualTo(8);
        assertThat(ResNetV2.builder(Depth.D50)
                        .spec(n -> n.withOutputStride(32))
                        .stridePlan()
                        .blocks())
                .isEqualTo(plan.blocks());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 6, 10})
    void outputStrideMustBeAMultipleOf4WithTheRootBlock(int os) {
        assertThatThrownBy(() -> ResNetV2.builder(Depth.D50)
                        .spec(n -> n.withOutputStride(os))
                        .stridePlan())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("output_stride=" + os + ": The output_stride needs to be a multiple of 4.");
    }

    @ParameterizedTest
    @ValueSource(ints = {12, 64, 0, -4})
    void unreachableOutputStridesGiveSlimsMessage(int os) {
        assertThatThrownBy(() -> ResNetV2.builder(Depth.D50)
                        .spec(n -> n.withOutputStride(os))
                        .stridePlan())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("output_stride=" + os + ": The target output_stride cannot be reached. These blocks after"
                        + " the root block (stride 4) reach the output strides [4, 8, 16, 32]");
    }

    @Test
    void withoutTheRootBlockTheMessageNamesTheBlocksOwnStrides() {
        assertThatThrownBy(() -> ResNetV2.builder(Depth.D50)
                        .includeRootBlock(false)
                        .spec(n -> n.withOutputStride(3))
                        .stridePlan())
                .hasMessage("output_stride=3: The target output_stride cannot be reached. These blocks reach the"
                        + " output strides [1, 2, 4, 8]");
    }

    @Test
    void storeNonStridedActivationsMovesTheLastStrideAfterTheBlock() {
        StridePlan plan = StridePlan.of(Depth.D50.blocks(), null, true);
        assertThat(plan.blocks().stream().map(StridePlan.BlockPlan::subsample).toList())
                .containsExactly(2, 2, 2, 1);
        assertThat(plan.blocks().get(0).units()).allMatch(u -> u.unit().stride() == 1);
        StridePlan atrous = StridePlan.of(Depth.D50.blocks(), 4, true);
        assertThat(atrous.blocks().stream().map(StridePlan.BlockPlan::subsample).toList())
                .containsExactly(2, 2, 1, 1);
        assertThat(atrous.blocks().get(3).units().get(0).rate()).isEqualTo(2);
    }
}
