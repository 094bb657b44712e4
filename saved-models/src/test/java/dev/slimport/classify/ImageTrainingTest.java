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
import dev.slimport.resnet.testing.HueImages;
import dev.slimport.resnet.train.Checkpoints;
import dev.slimport.savedmodel.RestoreResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

class ImageTrainingTest {

    /** A tiny resnet_v2 (resnet_v2_50's blocks at base depth 4) in scope resnet_v2, 64x64 images. */
    static NetworkSpec tiny(int classes) {
        return NetworkSpec.custom(ResNetV2.DEFAULT_SCOPE, Depth.D50.blocks(4))
                .withNumClasses(classes)
                .withImageSize(64);
    }

    /** {@link HueImages#writeTree}: {@code dir/<class>/<i>.jpg|png}, four hue families. */
    static void writeTree(Path dir, int perClass, long seed) throws IOException {
        HueImages.writeTree(dir, perClass, seed);
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

    /** 120 steps of 16 from {@code init} (a 3-class checkpoint) with the logits excluded, seed 3, saved to {@code out}. */
    static ImageTraining.Options fineTune(Path init, Path out) {
        return new ImageTraining.Options()
                .network(tiny(4))
                .batchSize(16)
                .steps(120)
                .learningRate(0.05)
                .batchNormDecay(0.9)
                .checkpoint(init)
                .excludes(List.of("resnet_v2/logits"))
                .seed(3)
                .out(out);
    }

    /** The checkpoint at {@code out} (the tiny 4-class net) classifies the 64 held-out images with top-1 >= 0.9. */
    static void assertHeldOutTop1(Path out, LabelledImages held) throws Exception {
        try (ImageClassifier c = ImageClassifier.fromCheckpoint(
                out, tiny(4), ImageClassifier.Options.DEFAULTS.withLabels(Labels.of(HueImages.CLASSES, "test")))) {
            Evaluation.Result r = Evaluation.run(held, c, 16, null);
            assertThat(r.images()).isEqualTo(64);
            assertThat(r.top1()).as("held-out top-1").isGreaterThanOrEqualTo(0.9);
        }
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

    /** slim's {@code _configure_learning_rate}, written out as TF's Python computes it (float64 here). */
    private static double slimLearningRate(
            String type,
            double lr,
            double factor,
            double end,
            long examples,
            double epochsPerDecay,
            int batch,
            long step) {
        // decay_steps = int(num_samples_per_epoch * num_epochs_per_decay / batch_size)
        long decaySteps = (long) (examples * epochsPerDecay / batch);
        switch (type) {
            case "exponential": // exponential_decay(..., staircase=True): lr * factor ** floor(step / decay_steps)
                return lr * Math.pow(factor, Math.floor((double) step / decaySteps));
            case "fixed":
                return lr;
            case "polynomial": // polynomial_decay(power=1.0, cycle=False)
                double s = Math.min(step, decaySteps);
                return (lr - end) * Math.pow(1 - s / decaySteps, 1.0) + end;
            default:
                throw new AssertionError(type);
        }
    }

    @Test
    void everyDecayTypeIsSlimsSchedule() {
        for (ImageTraining.DecayType t : ImageTraining.DecayType.values()) {
            for (long[] c : new long[][] {{1000, 32}, {256, 16}, {1281167, 32}, {50, 8}}) {
                long examples = c[0];
                int batch = (int) c[1];
                long decaySteps = ImageTraining.decaySteps(examples, 2.5, batch);
                assertThat(decaySteps).isEqualTo((long) (examples * 2.5 / batch));
                for (long step = 0; step < 3 * decaySteps + 5; step += Math.max(1, decaySteps / 7)) {
                    assertThat(ImageTraining.learningRate(t, 0.1, 0.94, 0.0001, decaySteps, step))
                            .as("%s at step %d of %d decay steps", t, step, decaySteps)
                            .isCloseTo(
                                    slimLearningRate(t.flagName(), 0.1, 0.94, 0.0001, examples, 2.5, batch, step),
                                    within(1e-12));
                }
            }
        }
        // the ends of the polynomial decay, by hand: decay_steps int(1000 * 2 / 32) = 62
        assertThat(ImageTraining.learningRate(ImageTraining.DecayType.POLYNOMIAL, 0.1, 0.94, 0.0001, 62, 31))
                .isCloseTo(0.05005, within(1e-12));
        assertThat(ImageTraining.learningRate(ImageTraining.DecayType.POLYNOMIAL, 0.1, 0.94, 0.0001, 62, 500))
                .isEqualTo(0.0001);
        assertThat(ImageTraining.DecayType.parse("--learning-rate-decay-type", "Polynomial"))
                .isEqualTo(ImageTraining.DecayType.POLYNOMIAL);
        assertThatThrownBy(() -> ImageTraining.DecayType.parse("--learning-rate-decay-type", "cosine"))
                .hasMessage("--learning-rate-decay-type: unknown learning-rate decay type 'cosine'; allowed:"
                        + " exponential, fixed, polynomial");
    }

    @Test
    void anUndecodableJpegIsCountedInEveryPassAndNamedAndThePolynomialRateIsFed(@TempDir Path tmp) throws Exception {
        Path tree = tmp.resolve("train");
        writeTree(tree, 4, 1);
        // a truncated JPEG: its header is sound (the pre-check passes), TensorFlow's decoder fails on the data
        byte[] jpeg = Files.readAllBytes(tree.resolve("a_red/0.jpg"));
        Path truncated = Files.write(tree.resolve("a_red/truncated.jpg"), java.util.Arrays.copyOf(jpeg, 300));
        LabelledImages train = LabelledImages.builder(4).build(List.of(tree));
        assertThat(train.imageFiles()).hasSize(17);
        List<ImageTraining.Pass> passes = new ArrayList<>();
        List<ImageTraining.Step> steps = new ArrayList<>();
        ImageTraining.Result r = ImageTraining.run(
                train,
                new ImageTraining.Options()
                        .network(tiny(4))
                        .batchSize(4)
                        .steps(10)
                        .learningRate(0.05)
                        .decayType(ImageTraining.DecayType.POLYNOMIAL)
                        .endLearningRate(0.001)
                        .epochsPerDecay(1.0)
                        .seed(5)
                        .out(tmp.resolve("m.ckpt")),
                new ImageTraining.Listener() {
                    @Override
                    public void onPass(ImageTraining.Pass pass) {
                        passes.add(pass);
                    }

                    @Override
                    public void onStep(ImageTraining.Step step) {
                        steps.add(step);
                    }
                },
                () -> false);
        // 40 examples drawn from 16 decodable ones: two complete passes, the third begun
        assertThat(r.passes()).isEqualTo(2);
        assertThat(r.seenInPass()).isEqualTo(40 - 32);
        assertThat(passes).hasSize(2);
        for (ImageTraining.Pass p : passes) {
            assertThat(p.examples()).isEqualTo(17);
            assertThat(p.used()).isEqualTo(16);
            assertThat(p.undecodable())
                    .containsExactly(truncated.toAbsolutePath().toString());
        }
        assertThat(passes.get(0).step()).isEqualTo(5); // the 17th example drawn comes in step 5 (4 per step)
        assertThat(r.undecodable()).containsExactly(truncated.toAbsolutePath().toString());
        // polynomial decay over int(17 * 1.0 / 4) = 4 steps from 0.05 to 0.001, fed at each global step
        for (ImageTraining.Step s : steps) {
            assertThat(s.learningRate())
                    .isCloseTo(
                            slimLearningRate("polynomial", 0.05, 0.94, 0.001, 17, 1.0, 4, s.step() - 1), within(1e-12));
        }
        assertThat(steps.get(9).learningRate()).isEqualTo(0.001);
    }

    /** slim's ImageNet Example for every image of {@code tree}, label = sorted class position + 1 (background 0). */
    private static List<byte[]> examples(Path tree) throws IOException {
        LabelledImages set = LabelledImages.builder(4).build(List.of(tree));
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < set.imageFiles().size(); i++) {
            Path f = set.imageFiles().get(i);
            out.add(TestRecords.example(
                    Files.readAllBytes(f), f.toString().endsWith(".png") ? "png" : "jpeg", set.imageLabels()[i] + 1));
        }
        return out;
    }

    @Test
    void trainsOnSlimTFRecordsWithTheLabelsOffsetAndCountsTheRecordsItDrops(@TempDir Path tmp) throws Exception {
        writeTree(tmp.resolve("train"), 64, 1);
        writeTree(tmp.resolve("val"), 16, 2);
        List<byte[]> records = new ArrayList<>(examples(tmp.resolve("train")));
        java.util.Collections.shuffle(records, new Random(4)); // as build_imagenet_data.py shuffles before writing
        Path dir = Files.createDirectories(tmp.resolve("records"));
        // file 0: records 0..127 and, at 128, a record whose image TensorFlow cannot decode; file 1: 128 records and,
        // at 128, a decodable image whose label 9 - offset 1 is outside the 4 classes
        List<byte[]> first = new ArrayList<>(records.subList(0, 128));
        first.add(TestRecords.example("not an image".getBytes(), "jpeg", 2));
        List<byte[]> second = new ArrayList<>(records.subList(128, 256));
        second.add(TestRecords.example(Files.readAllBytes(tmp.resolve("train/a_red/0.jpg")), "jpeg", 9));
        Path f0 = TestRecords.write(dir.resolve("train-00000-of-00002"), first);
        Path f1 = TestRecords.write(dir.resolve("train-00001-of-00002"), second);
        Path val = TestRecords.write(tmp.resolve("validation-00000-of-00001"), examples(tmp.resolve("val")));

        LabelledImages train = LabelledImages.builder(4).labelsOffset(1).build(List.of(dir));
        assertThat(train.kind()).isEqualTo(LabelledImages.Kind.TFRECORDS);
        assertThat(train.size()).isEqualTo(258);
        Path init = initialCheckpoint(tmp, 3);
        Path out = tmp.resolve("run/model.ckpt");
        Files.createDirectories(out.getParent());
        List<ImageTraining.Pass> passes = new ArrayList<>();
        ImageTraining.Result result = ImageTraining.run(
                train,
                fineTune(init, out),
                new ImageTraining.Listener() {
                    @Override
                    public void onPass(ImageTraining.Pass pass) {
                        passes.add(pass);
                    }
                },
                () -> false);
        assertThat(result.examples()).isEqualTo(258);
        // 1920 examples drawn from 256 usable: 7 complete passes
        assertThat(result.passes()).isEqualTo(7);
        List<String> bad = List.of(f0.toAbsolutePath() + "#128", f1.toAbsolutePath() + "#128");
        assertThat(passes).allSatisfy(p -> {
            assertThat(p.used()).isEqualTo(256);
            assertThat(p.undecodable()).containsExactlyElementsOf(bad);
        });
        assertThat(result.undecodable()).containsExactlyElementsOf(bad);

        // the labels went in as eval reads them (image/class/label - labels offset): held-out records, top-1 >= 0.9
        assertHeldOutTop1(out, LabelledImages.builder(4).labelsOffset(1).build(List.of(val)));
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
                fineTune(init, out).saveEverySteps(50),
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

        assertHeldOutTop1(out, LabelledImages.builder(4).build(List.of(tmp.resolve("val"))));

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
    void checkpointsAreNamedAsSlimsSaverNamesThemAndTheLastFiveAreKept(@TempDir Path tmp) throws Exception {
        writeTree(tmp.resolve("train"), 1, 1);
        LabelledImages train = LabelledImages.builder(4).build(List.of(tmp.resolve("train")));
        Path out = tmp.resolve("run/m.ckpt");
        Files.createDirectories(out.getParent());
        List<Path> saved = new ArrayList<>();
        ImageTraining.Options o = new ImageTraining.Options()
                .network(tiny(4))
                .batchSize(2)
                .steps(7)
                .saveEverySteps(1)
                .seed(1)
                .out(out);
        ImageTraining.Listener record = new ImageTraining.Listener() {
            @Override
            public void onCheckpoint(Path prefix, long step) {
                saved.add(prefix);
            }
        };
        ImageTraining.run(train, o, record, () -> false);
        Path dir = out.getParent();
        assertThat(saved).hasSize(7).last().isEqualTo(Path.of(out + "-7"));
        // tf.train.Saver(max_to_keep=5): m.ckpt-1 and -2 deleted; CheckpointState in text format, relative names
        assertThat(Files.exists(Path.of(out + "-1.index"))).isFalse();
        assertThat(Files.exists(Path.of(out + "-2.data-00000-of-00001"))).isFalse();
        for (int i = 3; i <= 7; i++) {
            assertThat(Files.exists(Path.of(out + "-" + i + ".index")))
                    .as("m.ckpt-%d", i)
                    .isTrue();
        }
        StringBuilder state = new StringBuilder("model_checkpoint_path: \"m.ckpt-7\"\n");
        for (int i = 3; i <= 7; i++) {
            state.append("all_model_checkpoint_paths: \"m.ckpt-").append(i).append("\"\n");
        }
        assertThat(Files.readString(dir.resolve("checkpoint"))).isEqualTo(state.toString());
        // PREFIX names the latest: the same files
        assertThat(Files.readAllBytes(Path.of(out + ".index")))
                .isEqualTo(Files.readAllBytes(Path.of(out + "-7.index")));
        assertThat(Files.readAllBytes(Path.of(out + ".data-00000-of-00001")))
                .isEqualTo(Files.readAllBytes(Path.of(out + "-7.data-00000-of-00001")));
        assertThat(SlimCheckpoints.latest(dir)).contains(dir.resolve("m.ckpt-7"));
        assertThat(SlimCheckpoints.latest(out)).contains(dir.resolve("m.ckpt-7"));

        // --resume continues the list from the latest: 8 and 9 added, 3 and 4 dropped
        ImageTraining.Result r = ImageTraining.run(train, o.steps(9).resume(true), record, () -> false);
        assertThat(r.globalStep()).isEqualTo(9);
        assertThat(SlimCheckpoints.read(dir).orElseThrow().all())
                .extracting(p -> p.getFileName().toString())
                .containsExactly("m.ckpt-5", "m.ckpt-6", "m.ckpt-7", "m.ckpt-8", "m.ckpt-9");
        assertThat(Files.exists(Path.of(out + "-4.index"))).isFalse();
        try (dev.slimport.savedmodel.CheckpointReader reader = dev.slimport.savedmodel.CheckpointReader.open(out)) {
            assertThat(reader.entries()).extracting(e -> e.name()).contains("global_step");
        }

        // a new run over it (the CLI's --force): the earlier run's checkpoints are replaced
        ImageTraining.run(train, o.steps(1).resume(false), record, () -> false);
        assertThat(SlimCheckpoints.read(dir).orElseThrow().all())
                .extracting(p -> p.getFileName().toString())
                .containsExactly("m.ckpt-1");
        assertThat(Files.exists(Path.of(out + "-9.index"))).isFalse();
    }

    @Test
    void movingAveragesAreSavedResumedAndRefusedOnACheckpointWithoutThem(@TempDir Path tmp) throws Exception {
        writeTree(tmp.resolve("train"), 2, 1);
        LabelledImages train = LabelledImages.builder(4).build(List.of(tmp.resolve("train")));
        Path out = tmp.resolve("ema/m.ckpt");
        ImageTraining.Options o = new ImageTraining.Options()
                .network(tiny(4))
                .batchSize(4)
                .steps(2)
                .movingAverageDecay(0.999)
                .seed(1)
                .out(out);
        ImageTraining.run(train, o, new ImageTraining.Listener() {}, null);
        Path first = SlimCheckpoints.latest(out).orElseThrow();
        try (dev.slimport.savedmodel.CheckpointReader reader = dev.slimport.savedmodel.CheckpointReader.open(first)) {
            assertThat(reader.entries())
                    .extracting(e -> e.name())
                    .contains(
                            "resnet_v2/logits/biases/ExponentialMovingAverage",
                            "resnet_v2/conv1/weights/ExponentialMovingAverage",
                            "resnet_v2/postnorm/moving_mean/ExponentialMovingAverage");
        }
        // resumed: the shadows come back from the checkpoint and keep averaging
        ImageTraining.Result resumed =
                ImageTraining.run(train, o.steps(4).resume(true), new ImageTraining.Listener() {}, null);
        assertThat(resumed.globalStep()).isEqualTo(4);
        try (dev.slimport.savedmodel.CheckpointReader a = dev.slimport.savedmodel.CheckpointReader.open(first);
                dev.slimport.savedmodel.CheckpointReader b = dev.slimport.savedmodel.CheckpointReader.open(
                        SlimCheckpoints.latest(out).orElseThrow());
                org.tensorflow.types.TFloat32 before =
                        a.readFloat32("resnet_v2/logits/biases/ExponentialMovingAverage");
                org.tensorflow.types.TFloat32 after =
                        b.readFloat32("resnet_v2/logits/biases/ExponentialMovingAverage")) {
            assertThat(after.getFloat(0)).isNotEqualTo(before.getFloat(0));
        }

        Path plain = tmp.resolve("plain/m.ckpt");
        ImageTraining.run(
                train,
                new ImageTraining.Options()
                        .network(tiny(4))
                        .batchSize(4)
                        .steps(1)
                        .out(plain),
                new ImageTraining.Listener() {},
                null);
        ImageTraining.Options again = new ImageTraining.Options()
                .network(tiny(4))
                .batchSize(4)
                .steps(2)
                .movingAverageDecay(0.999)
                .resume(true)
                .out(plain);
        assertThatThrownBy(() -> ImageTraining.run(train, again, new ImageTraining.Listener() {}, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--moving-average-decay: the checkpoint to resume")
                .hasMessageContaining("has no moving averages");
        assertThatThrownBy(() ->
                        ImageTraining.run(train, again.movingAverageDecay(1.5), new ImageTraining.Listener() {}, null))
                .hasMessageStartingWith("--moving-average-decay: must be in (0, 1)");
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
