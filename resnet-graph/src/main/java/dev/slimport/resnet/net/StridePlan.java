/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import java.util.ArrayList;
import java.util.List;

/**
 * How {@code stack_blocks_dense} runs each unit for a given {@code output_stride}: the stride each unit really uses,
 * its atrous rate and the subsampling after each block. Computed in plain Java before any op is built, so an
 * unreachable output stride fails before the graph is touched, with slim's message.
 *
 * @param blocks one entry per block, in order
 * @param outputStride the nominal output stride of the stack (the product of all strides used)
 */
public record StridePlan(List<BlockPlan> blocks, int outputStride) {

    /** slim's message for an output stride the blocks cannot produce. */
    public static final String UNREACHABLE = "The target output_stride cannot be reached.";

    /**
     * One block's plan.
     *
     * @param block the block
     * @param units each unit's arguments as run (stride possibly 1) with its rate
     * @param subsample the factor of the subsampling after the block (1: none)
     */
    public record BlockPlan(BlockSpec block, List<UnitPlan> units, int subsample) {}

    /**
     * One unit as run.
     *
     * @param unit the unit's arguments with the stride it runs with
     * @param rate its atrous rate
     */
    public record UnitPlan(UnitSpec unit, int rate) {}

    /**
     * Port of the stride and rate bookkeeping of {@code resnet_utils.stack_blocks_dense} (tensorflow/models
     * research/slim): once the running stride reaches {@code outputStride}, units run with stride 1 and the rate is
     * multiplied by the stride they drop, after the unit that dropped it.
     *
     * @param blocks the blocks
     * @param outputStride the target stride of the stack, or null for none (nominal strides)
     * @param storeNonStridedActivations move each block's last stride to a subsampling after the block
     * @throws IllegalArgumentException {@code output_stride=N: The target output_stride cannot be reached.}
     */
    public static StridePlan of(List<BlockSpec> blocks, Integer outputStride, boolean storeNonStridedActivations) {
        if (blocks == null || blocks.isEmpty()) {
            throw new IllegalArgumentException("blocks: at least one block is required");
        }
        int currentStride = 1;
        int rate = 1;
        List<BlockPlan> out = new ArrayList<>();
        for (BlockSpec block : blocks) {
            int blockStride = 1;
            List<UnitPlan> units = new ArrayList<>();
            for (int i = 0; i < block.units().size(); i++) {
                UnitSpec unit = block.units().get(i);
                if (storeNonStridedActivations && i == block.units().size() - 1) {
                    blockStride = unit.stride();
                    unit = unit.withStride(1);
                }
                if (outputStride != null && currentStride == outputStride) {
                    units.add(new UnitPlan(unit.withStride(1), rate));
                    rate *= unit.stride();
                } else {
                    units.add(new UnitPlan(unit, 1));
                    currentStride *= unit.stride();
                    checkReachable(outputStride, currentStride);
                }
            }
            int subsample = 1;
            if (outputStride != null && currentStride == outputStride) {
                rate *= blockStride;
            } else {
                subsample = blockStride;
                currentStride *= blockStride;
                checkReachable(outputStride, currentStride);
            }
            out.add(new BlockPlan(block, List.copyOf(units), subsample));
        }
        if (outputStride != null && currentStride != outputStride) {
            throw unreachable(outputStride);
        }
        return new StridePlan(List.copyOf(out), currentStride);
    }

    private static void checkReachable(Integer outputStride, int currentStride) {
        if (outputStride != null && currentStride > outputStride) {
            throw unreachable(outputStride);
        }
    }

    private static IllegalArgumentException unreachable(int outputStride) {
        return new IllegalArgumentException("output_stride=" + outputStride + ": " + UNREACHABLE);
    }
}
