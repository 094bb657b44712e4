/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

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
        SyntheticDataset train = SyntheticDataset.of(STEPS * BATCH, SIZE, SIZE, 2, 1);
        SyntheticDataset heldOut = SyntheticDataset.of(64, SIZE, SIZE, 2, 2);
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = ResNetV2.builder(TrainingGraphTest.smallBlocks())
                    .numClasses(2)
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
