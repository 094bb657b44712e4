/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

/**
 * The arguments of one residual unit, slim's {@code {'depth', 'depth_bottleneck', 'stride'}} dict.
 *
 * @param depth output channels of the unit
 * @param depthBottleneck channels of the bottleneck convolutions
 * @param stride the unit's stride (on its 3×3 convolution and its shortcut)
 */
public record UnitSpec(int depth, int depthBottleneck, int stride) {

    /** The validated unit. */
    public UnitSpec {
        if (depth <= 0 || depthBottleneck <= 0 || stride <= 0) {
            throw new IllegalArgumentException("unit: depth, depth_bottleneck and stride must be > 0, got depth="
                    + depth + ", depth_bottleneck=" + depthBottleneck + ", stride=" + stride);
        }
    }

    /** This unit with another stride (slim's {@code dict(unit, stride=s)}). */
    public UnitSpec withStride(int newStride) {
        return new UnitSpec(depth, depthBottleneck, newStride);
    }
}
