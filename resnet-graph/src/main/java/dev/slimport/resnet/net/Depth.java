/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The four official ResNet v2 depths and their block tables ({@code resnet_v2.py}): units per block {@code 3,4,6,3}
 * / {@code 3,4,23,3} / {@code 3,8,36,3} / {@code 3,24,36,3}, base depths 64/128/256/512, strides 2/2/2/1.
 */
public enum Depth {
    D50(50, 3, 4, 6, 3),
    D101(101, 3, 4, 23, 3),
    D152(152, 3, 8, 36, 3),
    D200(200, 3, 24, 36, 3);

    private static final int[] BASE_DEPTHS = {64, 128, 256, 512};
    private static final int[] STRIDES = {2, 2, 2, 1};

    private final int layers;
    private final int[] unitsPerBlock;

    Depth(int layers, int... unitsPerBlock) {
        this.layers = layers;
        this.unitsPerBlock = unitsPerBlock;
    }

    /** The nominal number of layers: 50, 101, 152 or 200. */
    public int layers() {
        return layers;
    }

    /** The number of units in each of the four blocks. */
    public int[] unitsPerBlock() {
        return unitsPerBlock.clone();
    }

    /** slim's default scope, e.g. {@code resnet_v2_50}. */
    public String scopeName() {
        return "resnet_v2_" + layers;
    }

    /** The four blocks, as slim's {@code resnet_v2_<N>} builds them with {@code resnet_v2_block}. */
    public List<BlockSpec> blocks() {
        return blocks(BASE_DEPTHS[0]);
    }

    /**
     * The same block table with base depths {@code b, 2b, 4b, 8b} (slim's tests use {@code b = 1} for tiny nets).
     */
    public List<BlockSpec> blocks(int firstBaseDepth) {
        return IntStream.range(0, 4)
                .mapToObj(i ->
                        BlockSpec.resnetV2Block("block" + (i + 1), firstBaseDepth << i, unitsPerBlock[i], STRIDES[i]))
                .toList();
    }

    /** The depth for {@code 50}, {@code resnet_v2_50}, etc.; the error names {@code argument} and the allowed values. */
    public static Depth parse(String argument, String value) {
        if (value != null) {
            String v = value.trim();
            for (Depth d : values()) {
                if (v.equals(String.valueOf(d.layers)) || v.equalsIgnoreCase(d.scopeName())) {
                    return d;
                }
            }
        }
        throw new IllegalArgumentException(argument + ": unknown model '" + value + "'; allowed: "
                + Arrays.stream(values()).map(Depth::scopeName).collect(Collectors.joining(", ")));
    }
}
