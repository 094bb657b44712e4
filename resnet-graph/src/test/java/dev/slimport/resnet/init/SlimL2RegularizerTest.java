/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.slimport.resnet.testing.Graphs;
import dev.slimport.resnet.testing.Nhwc;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class SlimL2RegularizerTest {

    @Test
    void lossIsScaleTimesHalfTheSumOfSquares() {
        Nhwc w = Nhwc.uniform(3, -2, 2, 3, 3, 4, 5);
        double sumSq = 0;
        for (float v : w.data()) sumSq += (double) v * v;
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Operand<TFloat32> weights;
            try (TFloat32 t = w.toTensor()) {
                weights = tf.constant(t);
            }
            Operand<TFloat32> loss =
                    new SlimL2Regularizer(1e-4).apply(tf, weights).orElseThrow();
            assertThat(loss.op().name()).isEqualTo("l2_regularizer");
            assertThat(Graphs.run(s, Map.of(), loss).data()[0]).isCloseTo((float) (1e-4 * sumSq / 2), within(1e-7f));
        }
    }

    @Test
    void zeroScaleAddsNoLossAndNegativeScaleIsRejected() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            assertThat(new SlimL2Regularizer(0).apply(tf, tf.constant(new float[] {1f})))
                    .isEmpty();
        }
        assertThatThrownBy(() -> new SlimL2Regularizer(-0.1)).hasMessageContaining("scale");
    }
}
