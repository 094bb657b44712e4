/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.net.BlockSpec;
import dev.slimport.resnet.net.Precision;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.train.StepMetrics;
import dev.slimport.resnet.train.TrainingGraph;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Thirty momentum steps of a small ResNet v2 (training-mode batch norm, 64×64 inputs, batch 8) on a separable
 * synthetic task, horizontal against vertical gratings, halve the loss on held-out examples and classify more
 * than 90% of them correctly.
 */
class TrainingMovesTest {
    private static final int BATCH = 8;
    private static final int SIZE = 64;
    private static final int STEPS = 30;

    @Test
    void thirtyStepsHalveTheLossAndLearnTheTask() {
        SyntheticDataset train = new SyntheticDataset(STEPS * BATCH, SIZE, SIZE, 2, 1);
        SyntheticDataset heldOut = new SyntheticDataset(64, SIZE, SIZE, 2, 2);
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(smallBlocks())
                    .spec(n -> n.withNumClasses(2))
                    .isTraining(true)
                    .build(tf, ResNetV2.imagesPlaceholder(tf, BATCH, SIZE, SIZE));
            TrainingGraph t = TrainingGraph.builder(m).learningRate(0.05).build(tf);
            s.initialize();
            StepMetrics before = evaluate(s, t, heldOut);
            for (int step = 0; step < STEPS; step++) {
                try (SyntheticDataset.Batch b = train.batch(step * BATCH, BATCH)) {
                    t.trainStep(s, b.images(), b.labels());
                }
            }
            StepMetrics after = evaluate(s, t, heldOut);
            assertThat(t.globalStepValue(s)).isEqualTo(STEPS);
            assertThat(after.loss())
                    .as("held-out loss after %d steps (before: %s)", STEPS, before.loss())
                    .isLessThanOrEqualTo(before.loss() / 2);
            assertThat(after.accuracy())
                    .as("held-out accuracy after %d steps", STEPS)
                    .isGreaterThan(0.9f);
        }
    }

    @Test
    void bfloat16ComputeTrainsFloat32Variables() {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(smallBlocks())
                    .spec(n -> n.withNumClasses(2).withPrecision(Precision.BF16))
                    .build(tf, ResNetV2.imagesPlaceholder(tf, BATCH, SIZE, SIZE));
            TrainingGraph t = TrainingGraph.builder(m).learningRate(0.05).build(tf);
            assertThat(t.gradients())
                    .hasSize(m.trainableVariables().size())
                    .isNotEmpty()
                    .allSatisfy(gr -> assertThat(gr.type()).isEqualTo(TFloat32.class));
            s.initialize();
            SyntheticDataset data = new SyntheticDataset(11 * BATCH, SIZE, SIZE, 2, 4);
            StepMetrics before;
            try (SyntheticDataset.Batch b = data.batch(10 * BATCH, BATCH)) {
                before = t.evaluate(s, b.images(), b.labels());
            }
            for (int step = 0; step < 10; step++) {
                try (SyntheticDataset.Batch b = data.batch(step * BATCH, BATCH)) {
                    assertThat(t.trainStep(s, b.images(), b.labels()).loss()).isFinite();
                }
            }
            try (SyntheticDataset.Batch b = data.batch(10 * BATCH, BATCH)) {
                assertThat(t.evaluate(s, b.images(), b.labels()).loss()).isLessThan(before.loss());
            }
        }
    }

    /** Two small blocks (the library's TrainingGraphTest net): block1 depth 4, block2 depth 8. */
    private static List<BlockSpec> smallBlocks() {
        return List.of(BlockSpec.resnetV2Block("block1", 4, 2, 2), BlockSpec.resnetV2Block("block2", 8, 2, 1));
    }

    /** Mean loss and accuracy over the set, batch by batch, with batch statistics and no update. */
    private static StepMetrics evaluate(Session s, TrainingGraph t, SyntheticDataset d) {
        double loss = 0;
        double accuracy = 0;
        int batches = d.size() / BATCH;
        for (int i = 0; i < batches; i++) {
            try (SyntheticDataset.Batch b = d.batch(i * BATCH, BATCH)) {
                StepMetrics m = t.evaluate(s, b.images(), b.labels());
                loss += m.loss() / batches;
                accuracy += m.accuracy() / batches;
            }
        }
        return new StepMetrics((float) loss, (float) accuracy);
    }
}
