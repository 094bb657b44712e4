/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.slim.ModelVariable;
import dev.slimport.resnet.train.Checkpoints;
import dev.slimport.resnet.train.TrainingGraph;
import dev.slimport.savedmodel.CheckpointEntry;
import dev.slimport.savedmodel.CheckpointReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

class MovingAveragesTest {

    private static final int BATCH = 4;
    private static final double DECAY = 0.5; // (1+n)/(10+n) < 0.5 until n = 8: both regimes within 12 steps
    private static final int STEPS = 12;

    @Test
    void tf1sEffectiveDecayUsesTheNumberOfUpdates() {
        assertThat(MovingAverages.effectiveDecay(0.9999, 0)).isEqualTo(0.1f);
        assertThat(MovingAverages.effectiveDecay(0.9999, 1)).isEqualTo(2f / 11f);
        assertThat(MovingAverages.effectiveDecay(0.5, 8)).isEqualTo(0.5f); // 9/18
        assertThat(MovingAverages.effectiveDecay(0.5, 100)).isEqualTo(0.5f);
        assertThat(MovingAverages.shadowName("resnet_v2/logits/biases"))
                .isEqualTo("resnet_v2/logits/biases/ExponentialMovingAverage");
        assertThatThrownBy(() -> MovingAverages.checkDecay("--moving-average-decay", 1.0))
                .hasMessageStartingWith("--moving-average-decay: must be in (0, 1)");
        assertThatThrownBy(() -> MovingAverages.checkDecay("--moving-average-decay", 0))
                .hasMessageStartingWith("--moving-average-decay: must be in (0, 1)");
    }

    /**
     * Trains the tiny net for {@link #STEPS} steps with the averages kept; after every step the shadows equal TF1's
     * recurrence computed here in float32 from the variables fetched after that step. Then the checkpoint holds
     * every shadow, and a classifier restoring the averages holds them in its model variables.
     */
    @Test
    void shadowsFollowTf1sRecurrenceAndEvalRestoresThemIntoTheModelVariables(@TempDir Path tmp) {
        NetworkSpec spec = ImageTrainingTest.tiny(3);
        Path prefix = tmp.resolve("ema.ckpt");
        Map<String, float[]> expected = new LinkedHashMap<>();
        List<String> watched;
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m =
                    spec.builder().seed(5).isTraining(true).build(tf, ResNetV2.imagesPlaceholder(tf, BATCH, 64, 64));
            TrainingGraph t = TrainingGraph.builder(m).learningRate(0.1).build(tf);
            MovingAverages ema = MovingAverages.build(tf, m.variables(), DECAY, t.globalStep(), t.trainOp());
            assertThat(ema.shadows()).hasSameSizeAs(m.variables());
            s.initialize();
            ema.reset(s);

            // a root conv weight, a gamma, a moving mean, a moving variance and the logits' biases
            List<ModelVariable> vars = new ArrayList<>();
            vars.add(m.variables().get(0));
            vars.add(first(m, "/gamma"));
            vars.add(first(m, "/moving_mean"));
            vars.add(first(m, "/moving_variance"));
            vars.add(first(m, "logits/biases"));
            watched = vars.stream().map(ModelVariable::name).toList();
            for (ModelVariable v : vars) {
                float[] now = read(s, v.name());
                assertThat(read(s, MovingAverages.shadowName(v.name()))).containsExactly(now);
                expected.put(v.name(), now);
            }

            Random r = new Random(11);
            for (int step = 1; step <= STEPS; step++) {
                float[] pixels = new float[BATCH * 64 * 64 * 3];
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = (float) r.nextGaussian();
                }
                int[] labels = new int[BATCH];
                for (int i = 0; i < BATCH; i++) {
                    labels[i] = r.nextInt(3);
                }
                try (TFloat32 images = TFloat32.tensorOf(Shape.of(BATCH, 64, 64, 3), DataBuffers.of(pixels));
                        TInt32 y = TInt32.vectorOf(labels);
                        Result res = s.runner()
                                .feed(t.images(), images)
                                .feed(t.labels(), y)
                                .fetch(t.trainOp())
                                .addTarget(ema.update())
                                .run()) {
                    assertThat(res.size()).isEqualTo(1);
                }
                long globalStep;
                try (Result res = s.runner().fetch(t.globalStep()).run()) {
                    globalStep = ((TInt64) res.get(0)).getLong();
                }
                assertThat(globalStep).isEqualTo(step);
                float d = MovingAverages.effectiveDecay(DECAY, globalStep);
                for (ModelVariable v : vars) {
                    float[] value = read(s, v.name());
                    float[] shadow = expected.get(v.name());
                    for (int i = 0; i < shadow.length; i++) {
                        shadow[i] = shadow[i] - (shadow[i] - value[i]) * (1f - d);
                    }
                    float[] actual = read(s, MovingAverages.shadowName(v.name()));
                    for (int i = 0; i < shadow.length; i++) {
                        assertThat(actual[i])
                                .as("%s[%d] after step %d", v.name(), i, step)
                                .isCloseTo(
                                        shadow[i],
                                        org.assertj.core.data.Offset.offset(1e-6f * Math.max(1f, Math.abs(shadow[i]))));
                    }
                }
            }
            // the averages lag the trained variables (else the test could not tell them apart)
            for (ModelVariable v : vars) {
                assertThat(read(s, MovingAverages.shadowName(v.name())))
                        .as(v.name())
                        .isNotEqualTo(read(s, v.name()));
            }
            Checkpoints.save(s, prefix);
        }

        try (CheckpointReader reader = CheckpointReader.open(prefix)) {
            List<String> keys =
                    reader.entries().stream().map(CheckpointEntry::name).toList();
            try (Graph g = new Graph()) {
                ResNetModel m =
                        spec.builder().build(Ops.create(g), ResNetV2.imagesPlaceholder(Ops.create(g), -1, 64, 64));
                assertThat(keys)
                        .containsAll(m.variables().stream()
                                .map(v -> MovingAverages.shadowName(v.name()))
                                .toList());
            }
        }
        ImageClassifier.Options o = ImageClassifier.Options.DEFAULTS.withLabels(Labels.of(List.of("a", "b", "c"), "t"));
        try (ImageClassifier averaged = ImageClassifier.fromCheckpoint(prefix, spec, o, true);
                ImageClassifier plain = ImageClassifier.fromCheckpoint(prefix, spec, o)) {
            Session sa = averaged.checkpointModel().orElseThrow().session();
            Session sp = plain.checkpointModel().orElseThrow().session();
            for (String name : watched) {
                float[] shadow = expected.get(name);
                float[] restored = read(sa, name);
                for (int i = 0; i < shadow.length; i++) {
                    assertThat(restored[i])
                            .as("%s[%d] restored from its average", name, i)
                            .isCloseTo(
                                    shadow[i],
                                    org.assertj.core.data.Offset.offset(1e-6f * Math.max(1f, Math.abs(shadow[i]))));
                }
                assertThat(read(sp, name)).isNotEqualTo(restored);
            }
            assertThat(averaged.describe()).contains("(moving averages)");
        }
    }

    @Test
    void restoringAveragesFromACheckpointWithoutThemNamesTheOption(@TempDir Path tmp) {
        Path init = ImageTrainingTest.initialCheckpoint(tmp, 3);
        ImageClassifier.Options o = ImageClassifier.Options.DEFAULTS.withLabels(Labels.of(List.of("a", "b", "c"), "t"));
        assertThatThrownBy(() -> ImageClassifier.fromCheckpoint(init, ImageTrainingTest.tiny(3), o, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("moving_average_decay: the checkpoint")
                .hasMessageContaining("has no moving averages");
    }

    private static ModelVariable first(ResNetModel m, String part) {
        return m.variables().stream()
                .filter(v -> v.name().contains(part))
                .findFirst()
                .orElseThrow();
    }

    private static float[] read(Session s, String name) {
        try (Result res = s.runner().fetch(name).run()) {
            TFloat32 t = (TFloat32) res.get(0);
            float[] a = new float[(int) t.size()];
            t.asRawTensor().data().asFloats().read(a);
            return a;
        }
    }
}
