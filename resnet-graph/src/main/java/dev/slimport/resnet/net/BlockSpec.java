/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A ResNet block as data, slim's {@code Block(scope, unit_fn, args)} namedtuple.
 *
 * @param scope the block's variable scope, e.g. {@code block1}
 * @param unitFn the unit function
 * @param units the units' arguments, in order
 */
public record BlockSpec(String scope, UnitFn unitFn, List<UnitSpec> units) {

    /** The validated block; {@code units} is copied. */
    public BlockSpec {
        if (scope == null || scope.isEmpty()) {
            throw new IllegalArgumentException("scope: a block needs a scope name, got " + scope);
        }
        if (unitFn == null) {
            throw new IllegalArgumentException("unitFn: must not be null (block " + scope + ")");
        }
        if (units == null || units.isEmpty()) {
            throw new IllegalArgumentException("units: block " + scope + " needs at least one unit");
        }
        units = List.copyOf(units);
    }

    /**
     * Slim's {@code resnet_v2_block(scope, base_depth, num_units, stride)}: {@code num_units - 1} units of {@code
     * (4·base, base, 1)} followed by one of {@code (4·base, base, stride)} — the stride is on the last unit — with the
     * v2 bottleneck.
     */
    public static BlockSpec resnetV2Block(String scope, int baseDepth, int numUnits, int stride) {
        if (baseDepth <= 0 || numUnits <= 0 || stride <= 0) {
            throw new IllegalArgumentException(
                    "resnet_v2_block(" + scope + "): base_depth, num_units and stride must be > 0, got " + baseDepth
                            + ", " + numUnits + ", " + stride);
        }
        List<UnitSpec> units =
                new ArrayList<>(Collections.nCopies(numUnits - 1, new UnitSpec(baseDepth * 4, baseDepth, 1)));
        units.add(new UnitSpec(baseDepth * 4, baseDepth, stride));
        return new BlockSpec(scope, Bottleneck.V2, units);
    }
}
