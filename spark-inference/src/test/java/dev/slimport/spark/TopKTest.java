/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {

    @Test
    void descendingWithLowerIndexFirstOnTies() {
        float[] v = {0.1f, 0.3f, 0.3f, 0.05f, 0.25f};
        assertThat(TopK.indices(v, 0, 5, 3)).containsExactly(1, 2, 4);
        assertThat(TopK.indices(v, 0, 5, 5)).containsExactly(1, 2, 4, 0, 3);
        assertThat(TopK.indices(v, 0, 5, 0)).isEmpty();
    }

    @Test
    void honoursTheRowOffset() {
        float[] v = {9, 9, 9, 0.2f, 0.7f, 0.1f};
        assertThat(TopK.indices(v, 3, 3, 2)).containsExactly(1, 0);
    }

    @Test
    void agreesWithAFullStableSort() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(40);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = r.nextInt(12) / 11f;
            }
            int k = r.nextInt(n + 1);
            int[] expected = IntStream.range(0, n)
                    .boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -v[i]).thenComparingInt(i -> i))
                    .limit(k)
                    .mapToInt(Integer::intValue)
                    .toArray();
            assertThat(TopK.indices(v, 0, n, k)).containsExactly(expected);
        }
    }

    @Test
    void rejectsKOutsideTheRow() {
        assertThatThrownBy(() -> TopK.indices(new float[3], 0, 3, 4)).hasMessageStartingWith("k:");
    }
}
