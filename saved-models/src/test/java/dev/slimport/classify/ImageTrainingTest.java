/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.train.Checkpoints;
import dev.slimport.savedmodel.RestoreResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

class ImageTrainingTest {

    /** The four hue families of {@link #writeTree}: red, green, blue, yellow (RGB centres). */
    private static final int[][] HUES = {{200, 40, 40}, {40, 190, 40}, {40, 40, 210}, {210, 200, 40}};

    /** A tiny resnet_v2 (resnet_v2_50's blocks at base depth 4) in scope resnet_v2, 64x64 images. */
    static NetworkSpec tiny(int classes) {
        return NetworkSpec.custom(ResNetV2.DEFAULT_SCOPE, Depth.D50.blocks(4))
                .withNumClasses(classes)
                .withImageSize(64);
    }

    /**
     * {@code dir/<class>/<i>.jpg|png}: per class {@code perClass} images of its hue with per-pixel noise, sizes 40..79,
     * every other one JPEG, the rest PNG.
     */
    static void writeTree(Path dir, int perClass, long seed) throws IOException {
        Random r = new Random(seed);
        String[] names = {"a_red", "b_green", "c_blue", "d_yellow"};
        for (int c = 0; c < HUES.length; c++) {
            Path folder = Files.createDirectories(dir.resolve(names[c]));
            for (int i = 0; i < perClass; i++) {
                int w = 40 + r.nextInt(40);
                int h = 40 + r.nextInt(40);
                BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int[] rgb = new int[3];
                        for (int k = 0; k < 3; k++) {
                            rgb[k] = Math.max(0, Math.min(255, HUES[c][k] + r.nextInt(61) - 30));
                        }
                        img.setRGB(x, y, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
                    }
                }
                String format = i % 2 == 0 ? "jpg" : "png";
                assertThat(ImageIO.write(
                                img, format, folder.resolve(i + "." + format).toFile()))
                        .isTrue();
            }
        }
    }

    /** A freshly initialized checkpoint of the tiny net with {@code classes} logits. */
    static Path initialCheckpoint(Path dir, int classes) {
        Path prefix = dir.resolve("init.ckpt");
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            ResNetModel m = tiny(classes)
                    .builder()
                    .seed(7)
                    .isTraining(false)
                    .build(tf, ResNetV2.imagesPlaceholder(tf, -1, 64, 64));
            assertThat(m.variables()).isNotEmpty();
            s.initialize();
            Checkpoints.save(s, prefix);
        }
        return prefix;
    }

    @Test
    void learningRateIsSlimsStaircaseExponentialDecay() {
        // 1000 examples, 2 epochs per decay, batch 32: decay_steps = int(1000 * 2.0 / 32) = 62
        assertThat(ImageTraining.learningRate(0.01, 0.94, 2.0, 1000, 32, 0)).isEqualTo(0.01);
        assertThat(ImageTraining.learningRate(0.01, 0.94, 2.0, 1000, 32, 61)).isEqualTo(0.01);
        assertThat(ImageTraining.learningRate(0.01, 0.94, 2.0, 1000, 32, 62)).isCloseTo(0.0094, within(1e-12));
        assertThat(ImageTraining.learningRate(0.01, 0.94, 2.0, 1000, 32, 130))
                .isCloseTo(0.01 * 0.94 * 0.94, within(1e-12));
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }

    @Test
    void fineTunesFromACheckpointOfAnotherClassCountWithTheLogitsExcluded(@TempDir Path tmp) throws Exception {
        writeTree(tmp.resolve("train"), 64, 1);
        writeTree(tmp.resolve("val"), 16, 2);
        Path init = initialCheckpoint(tmp, 3);
        Path out = tmp.resolve("run/model.ckpt");
        Files.createDirectories(out.getParent());

        LabelledImages train = LabelledImages.builder(4).build(List.of(tmp.resolve("train")));
        assertThat(train.imageFiles()).hasSize(256);
        List<ImageTraining.Step> steps = new ArrayList<>();
        RestoreResult[] restored = new RestoreResult[1];
        ImageTraining.Result result = ImageTraining.run(
                train,
                new ImageTraining.Options()
                        .network(tiny(4))
                        .batchSize(16)
                        .steps(120)
                        .learningRate(0.05)
                        .batchNormDecay(0.9)
                        .checkpoint(init)
                        .excludes(List.of("resnet_v2/logits"))
                        .saveEverySteps(50)
                        .seed(3)
                        .out(out),
                new ImageTraining.Listener() {
                    @Override
                    public void onStart(long firstStep, RestoreResult r, List<String> skipped) {
                        restored[0] = r;
                        assertThat(firstStep).isZero();
                        assertThat(skipped).isEmpty();
                    }

                    @Override
                    public void onStep(ImageTraining.Step step) {
                        steps.add(step);
                    }
                },
                () -> false);
        assertThat(result.globalStep()).isEqualTo(120);
        assertThat(steps).hasSize(120);
        assertThat(restored[0].excluded())
                .containsExactlyInAnyOrder("resnet_v2/logits/weights", "resnet_v2/logits/biases");
        assertThat(Files.exists(Path.of(out + ".index"))).isTrue();
        // lr decays: 256 examples, 2 epochs per decay, batch 16 -> decay_steps 32
        assertThat(steps.get(31).learningRate()).isCloseTo(0.05, within(1e-9));
        assertThat(steps.get(32).learningRate()).isCloseTo(0.05 * 0.94, within(1e-9));

        LabelledImages val = LabelledImages.builder(4).build(List.of(tmp.resolve("val")));
        try (ImageClassifier c = ImageClassifier.fromCheckpoint(
                out,
                tiny(4),
                ImageClassifier.Options.DEFAULTS.withLabels(
                        Labels.of(List.of("a_red", "b_green", "c_blue", "d_yellow"), "test")))) {
            Evaluation.Result r = Evaluation.run(val, c, 16, null);
            assertThat(r.images()).isEqualTo(64);
            assertThat(r.top1()).as("held-out top-1").isGreaterThanOrEqualTo(0.9);
        }

        // --resume continues from the saved global step
        ImageTraining.Result resumed = ImageTraining.run(
                train,
                new ImageTraining.Options()
                        .network(tiny(4))
                        .batchSize(16)
                        .steps(125)
                        .batchNormDecay(0.9)
                        .resume(true)
                        .out(out),
                new ImageTraining.Listener() {},
                () -> false);
        assertThat(resumed.globalStep()).isEqualTo(125);
    }

    @Test
    void adamRunStopsWhenAskedAndSavesALastCheckpoint(@TempDir Path tmp) throws Exception {
        writeTree(tmp.resolve("train"), 4, 1);
        LabelledImages train = LabelledImages.builder(4).build(List.of(tmp.resolve("train")));
        Path out = tmp.resolve("m.ckpt");
        List<Long> saved = new ArrayList<>();
        int[] steps = new int[1];
        ImageTraining.Result r = ImageTraining.run(
                train,
                new ImageTraining.Options()
                        .network(tiny(4))
                        .batchSize(4)
                        .steps(100)
                        .optimizer(dev.slimport.resnet.train.Optimizer.ADAM)
                        .saveEverySteps(50)
                        .out(out),
                new ImageTraining.Listener() {
                    @Override
                    public void onStep(ImageTraining.Step step) {
                        steps[0]++;
                    }

                    @Override
                    public void onCheckpoint(Path prefix, long step) {
                        saved.add(step);
                    }
                },
                () -> steps[0] >= 3);
        assertThat(r.stopped()).isTrue();
        assertThat(r.globalStep()).isEqualTo(3);
        assertThat(saved).containsExactly(3L);
        try (dev.slimport.savedmodel.CheckpointReader reader = dev.slimport.savedmodel.CheckpointReader.open(out)) {
            assertThat(reader.entries())
                    .extracting(e -> e.name())
                    .contains("beta1_power", "global_step", "resnet_v2/logits/biases/Adam_1");
        }
    }

    @Test
    void refusesBadOptionsNamingThem(@TempDir Path tmp) throws Exception {
        writeTree(tmp.resolve("train"), 1, 1);
        LabelledImages train = LabelledImages.builder(4).build(List.of(tmp.resolve("train")));
        ImageTraining.Options o = new ImageTraining.Options()
                .network(tiny(4))
                .out(tmp.resolve("m.ckpt"))
                .batchSize(1);
        assertThatThrownBy(() -> ImageTraining.run(train, o, new ImageTraining.Listener() {}, null))
                .hasMessageStartingWith("--batch-size");
        o.batchSize(2).excludes(List.of("resnet_v2/logits"));
        assertThatThrownBy(() -> ImageTraining.run(train, o, new ImageTraining.Listener() {}, null))
                .hasMessageStartingWith("--exclude");
        o.excludes(List.of()).network(tiny(3));
        assertThatThrownBy(() -> ImageTraining.run(train, o, new ImageTraining.Listener() {}, null))
                .hasMessageStartingWith("--num-classes");
    }
}
