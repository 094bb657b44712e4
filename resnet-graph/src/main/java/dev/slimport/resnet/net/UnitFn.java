/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import dev.slimport.resnet.slim.LayerContext;
import org.tensorflow.Operand;
import org.tensorflow.types.family.TNumber;

/** A residual unit function, slim's {@code Block.unit_fn}: called as {@code unit_fn(net, rate=rate, **unit)}. */
public interface UnitFn {

    /**
     * Builds one unit in {@code ctx} (already inside {@code blockN/unit_i}).
     *
     * @param ctx where to build
     * @param inputs the unit input
     * @param unit the unit's arguments (its stride already set to 1 where output_stride requires it)
     * @param rate the atrous rate of the unit's 3×3 convolution
     * @return the unit output
     */
    <T extends TNumber> Operand<T> apply(LayerContext ctx, Operand<T> inputs, UnitSpec unit, int rate);
}
