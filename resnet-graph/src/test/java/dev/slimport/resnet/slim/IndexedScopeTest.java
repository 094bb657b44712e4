/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.slim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;

/** Layers build through the indexed scope, reached by TF Java's public {@code Ops.create}, with TF Java's names. */
class IndexedScopeTest {
    @Test
    void layerContextsBuildInTheIndexedScopeWithTfJavasNames() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g).withSubScope("outer");
            tf.withName("taken").constant(1);
            LayerContext root = LayerContext.root(tf, ArgScope.empty(), 0, false);
            assertThat(root.tf().scope()).isInstanceOf(IndexedScope.class);
            assertThat(root.tf().scope().env()).isSameAs(g);
            assertThat(root.tf().withName("taken").constant(2).op().name()).isEqualTo("outer/taken_1");
            assertThat(root.tf().withSubScope("s").constant(3).op().name()).isEqualTo("outer/s/Const");
            assertThat(root.tf().withSubScope("s").constant(3).op().name()).isEqualTo("outer/s_1/Const");
        }
    }
}
