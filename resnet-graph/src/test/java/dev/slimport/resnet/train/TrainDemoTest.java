/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.net.ResNetModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The demo reports every step and epoch, and its checkpoint restores into a fresh inference-only graph of {@link
 * TrainDemo#modelBuilder} that classifies the held-out set exactly as the demo's own evaluation did.
 */
class TrainDemoTest {

    @Test
    void shortRunReportsProgressAndSavesARestorableCheckpoint(@TempDir Path dir) {
        TrainDemo.Options o = TrainDemo.Options.builder()
                .epochs(2)
                .trainExamples(40)
                .batchSize(8)
                .evalExamples(12)
                .baseDepth(1)
                .checkpoint(dir.resolve("ckpt/model.ckpt"))
                .build();
        List<String> steps = new ArrayList<>();
        List<TrainDemo.EpochResult> epochs = new ArrayList<>();
        TrainDemo.Report report = TrainDemo.run(o, new TrainDemo.Listener() {
            @Override
            public void onStep(int epoch, int step, int stepsPerEpoch, StepMetrics metrics) {
                steps.add(epoch + "." + step + "/" + stepsPerEpoch);
                assertThat(metrics.loss()).isFinite().isPositive();
            }

            @Override
            public void onEpoch(TrainDemo.EpochResult result) {
                epochs.add(result);
            }
        });
        assertThat(steps)
                .containsExactly(
                        "1.1/5", "1.2/5", "1.3/5", "1.4/5", "1.5/5", "2.1/5", "2.2/5", "2.3/5", "2.4/5", "2.5/5");
        assertThat(report.epochs()).containsExactlyElementsOf(epochs);
        assertThat(epochs).extracting(TrainDemo.EpochResult::globalStep).containsExactly(5L, 10L);
        assertThat(report.globalStep()).isEqualTo(10);
        assertThat(epochs.get(1).toString()).startsWith("epoch 2/2  loss ");
        assertThat(Files.exists(dir.resolve("ckpt/model.ckpt.index"))).isTrue();
        assertThat(Files.exists(dir.resolve("ckpt/model.ckpt.data-00000-of-00001")))
                .isTrue();

        SyntheticDataset heldOut =
                SyntheticDataset.of(o.evalExamples(), o.imageSize(), o.imageSize(), o.numClasses(), o.seed() ^ 0x5EEDL);
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel inference = TrainDemo.modelBuilder(o)
                    .isTraining(false)
                    .build(
                            tf,
                            tf.withName("images")
                                    .placeholder(
                                            TFloat32.class,
                                            Placeholder.shape(Shape.of(-1, o.imageSize(), o.imageSize(), 3))));
            Checkpoints.restore(s, report.checkpoint());
            assertThat(TrainDemo.accuracy(s, inference, heldOut, o.batchSize()))
                    .isEqualTo(epochs.get(1).evalAccuracy());
        }
    }

    @Test
    void optionsAreValidatedWithTheirNames() {
        assertThatThrownBy(() -> TrainDemo.Options.builder().batchSize(1).build())
                .hasMessageContaining("batchSize");
        assertThatThrownBy(() -> TrainDemo.Options.builder()
                        .trainExamples(8)
                        .batchSize(16)
                        .build())
                .hasMessageContaining("trainExamples");
        assertThatThrownBy(() -> TrainDemo.Options.builder().learningRate(0).build())
                .hasMessageContaining("learningRate");
        assertThatThrownBy(() -> TrainDemo.Options.builder().imageSize(16).build())
                .hasMessageContaining("imageSize");
        assertThatThrownBy(() -> TrainDemo.run(null, TrainDemo.Listener.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(TrainDemo.Options.defaults().stepsPerEpoch()).isEqualTo(32);
    }

    @Test
    void restoreRejectsAMissingCheckpoint(@TempDir Path dir) {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            assertThatThrownBy(() -> Checkpoints.restore(s, dir.resolve("nothing")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no checkpoint");
        }
    }
}
