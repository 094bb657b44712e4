/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.train.Checkpoints;
import dev.slimport.resnet.train.StepMetrics;
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
        TrainDemo.Options o = options(64, 8, 2, 40, 0.05, dir.resolve("ckpt/model.ckpt"));
        List<String> steps = new ArrayList<>();
        List<StepMetrics> epochMeans = new ArrayList<>();
        List<TrainDemo.EpochResult> epochs = new ArrayList<>();
        List<TrainDemo.EpochResult> report = TrainDemo.run(o, new TrainDemo.Listener() {
            @Override
            public void onStep(int epoch, int step, int stepsPerEpoch, StepMetrics metrics) {
                steps.add(epoch + "." + step + "/" + stepsPerEpoch);
                assertThat(metrics.loss()).isFinite().isPositive();
                if (step == stepsPerEpoch) {
                    epochMeans.add(metrics);
                }
            }

            @Override
            public void onEpoch(TrainDemo.EpochResult result) {
                epochs.add(result);
            }
        });
        assertThat(steps)
                .containsExactly(
                        "1.1/5", "1.2/5", "1.3/5", "1.4/5", "1.5/5", "2.1/5", "2.2/5", "2.3/5", "2.4/5", "2.5/5");
        assertThat(report).containsExactlyElementsOf(epochs);
        for (int e = 0; e < epochs.size(); e++) {
            // the running means after an epoch's last step are the epoch's means (float against double)
            assertThat((double) epochMeans.get(e).loss())
                    .isCloseTo(epochs.get(e).loss(), offset(1e-5));
            assertThat((double) epochMeans.get(e).accuracy())
                    .isCloseTo(epochs.get(e).accuracy(), offset(1e-6));
        }
        assertThat(epochs).extracting(TrainDemo.EpochResult::globalStep).containsExactly(5L, 10L);
        assertThat(report.get(report.size() - 1).globalStep()).isEqualTo(10);
        assertThat(epochs.get(1).toString()).startsWith("epoch 2/2  loss ");
        assertThat(Files.exists(dir.resolve("ckpt/model.ckpt.index"))).isTrue();
        assertThat(Files.exists(dir.resolve("ckpt/model.ckpt.data-00000-of-00001")))
                .isTrue();

        SyntheticDataset heldOut = new SyntheticDataset(
                o.evalExamples, o.training.imageSize(), o.training.imageSize(), o.numClasses, o.seed ^ 0x5EEDL);
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
                                            Placeholder.shape(
                                                    Shape.of(-1, o.training.imageSize(), o.training.imageSize(), 3))));
            Checkpoints.restore(s, o.checkpoint);
            assertThat(TrainDemo.accuracy(s, inference, heldOut, o.training.batchSize()))
                    .isEqualTo(epochs.get(1).evalAccuracy());
        }
    }

    @Test
    void optionsAreValidatedWithTheirNames() {
        assertThatThrownBy(() -> options(64, 1, 2, 40, 0.05, null)).hasMessageContaining("--batch-size");
        assertThatThrownBy(() -> options(64, 16, 2, 8, 0.05, null)).hasMessageContaining("--train-examples");
        assertThatThrownBy(() -> options(64, 8, 2, 40, 0, null)).hasMessageContaining("--learning-rate");
        assertThatThrownBy(() -> options(16, 8, 2, 40, 0.05, null)).hasMessageContaining("--image-size");
        assertThatThrownBy(() -> TrainDemo.run(null, TrainDemo.Listener.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(options(64, 16, 5, 512, 0.05, null).stepsPerEpoch()).isEqualTo(32);
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

    /** The demo's options: 12 held-out examples, 4 classes, base depth 1, the command's other defaults. */
    private static TrainDemo.Options options(
            int imageSize, int batchSize, int epochs, int trainExamples, double learningRate, Path checkpoint) {
        List<String> args = new ArrayList<>(List.of(
                "--image-size", "" + imageSize,
                "--batch-size", "" + batchSize,
                "--epochs", "" + epochs,
                "--train-examples", "" + trainExamples,
                "--learning-rate", "" + learningRate,
                "--eval-examples", "12",
                "--base-depth", "1"));
        if (checkpoint != null) {
            args.addAll(List.of("--checkpoint", checkpoint.toString()));
        }
        TrainDemo.Options o = TrainDemo.Options.parse(args.toArray(String[]::new));
        o.checkpoint = checkpoint;
        return o;
    }

    /** {@code train-demo}'s defaults: 64×64, batch 16, 5 epochs of 512 examples, 4 classes. */
    @Test
    void theCommandsDefaults() {
        TrainDemo.Options o = TrainDemo.Options.parse();
        assertThat(List.of(
                        o.training.imageSize(),
                        o.training.batchSize(),
                        o.epochs,
                        o.trainExamples,
                        o.evalExamples,
                        o.numClasses))
                .containsExactly(64, 16, 5, 512, 128, 4);
        assertThat(o.baseDepth).isEqualTo(4);
        assertThat(List.of(
                        o.training.learningRate(),
                        o.training.momentum(),
                        o.training.batchNormDecay(),
                        o.training.weightDecay()))
                .containsExactly(0.05, 0.9, 0.9, 1e-4);
        assertThat(o.seed).isZero();
        assertThat(o.checkpoint).isEqualTo(Path.of("train-demo/model.ckpt"));
        assertThat(o.training.force()).isFalse();
        assertThat(o.stepsPerEpoch()).isEqualTo(32);
    }
}
