/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;

class FloatValuesTest {

    /**
     * {@code uniform} stays in {@code [low, high)} even where rounding a double to float would reach {@code high}: with
     * {@code high} the smallest positive float, about half of the doubles in range round up to it.
     */
    @Test
    void uniform_never_reaches_high() {
        FloatValues v = FloatValues.uniform(Shape.of(1000), 7, 0f, Float.MIN_VALUE);
        for (float x : v.data()) {
            assertThat(x).isGreaterThanOrEqualTo(0f).isLessThan(Float.MIN_VALUE);
        }
        FloatValues w = FloatValues.uniform(Shape.of(2, 3), 7, -1f, 1f);
        assertThat(w).isEqualTo(FloatValues.uniform(Shape.of(2, 3), 7, -1f, 1f));
        assertThat(w).isNotEqualTo(FloatValues.uniform(Shape.of(2, 3), 8, -1f, 1f));
    }
}
