/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.bench.train.NetworkDescriptor;
import dev.slimport.classify.TFRecordReader;
import dev.slimport.resnet.testing.ChildJvm;
import dev.slimport.resnet.testing.HueImages;
import dev.slimport.savedmodel.CheckpointEntry;
import dev.slimport.savedmodel.CheckpointReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/**
 * Issue 14's end-to-end check: {@code train} from a checkpoint of another class count (3, from {@code train-demo})
 * with the logits excluded on a generated image-folder tree (4 hue families, 64 images each, JPEG and PNG of varying
 * sizes), then {@code eval} on a held-out folder (top-1 ≥ 0.9, chance 0.25), then {@code export --checkpoint} and
 * {@code classify} through {@code serving_bytes}, which must agree with {@code eval --predictions} image by image.
 */
class TrainCommandTest {

    /** The narrow net of the quick runs: resnet_v2_50's blocks at base depth 4, 64x64, batch 4. */
    private static final List<String> TINY = List.of("--base-depth", "4", "--image-size", "64", "--batch-size", "4");

    private static final String[] CLASSES = HueImages.CLASSES.toArray(String[]::new);
    /** {@link HueImages#writeTree}: {@code dir/<class>/<i>.jpg|png}, four hue families. */
    static void writeTree(Path dir, int perClass, long seed) throws IOException {
        HueImages.writeTree(dir, perClass, seed);
    }

    @Test
    void train_from_another_class_count_then_eval_export_and_classify_agree(@TempDir Path tmp) throws Exception {
        writeTree(tmp.resolve("train"), 64, 1);
        writeTree(tmp.resolve("val"), 16, 2);
        Path init = tmp.resolve("init/model.ckpt");
        CliRun demo = CliRun.of(
                "train-demo",
                "--num-classes",
                "3",
                "--epochs",
                "1",
                "--train-examples",
                "32",
                "--eval-examples",
                "8",
                "--image-size",
                "64",
                "--checkpoint",
                init.toString(),
                "-q");
        assertThat(demo.exitCode()).as(demo.toString()).isZero();

        Path out = tmp.resolve("run/model.ckpt");
        CliRun train = CliRun.of(
                "train",
                "--data",
                tmp.resolve("train").toString(),
                "--out",
                out.toString(),
                "--checkpoint",
                init.toString(),
                "--exclude",
                "resnet_v2/logits",
                "--num-classes",
                "4",
                "--image-size",
                "64",
                "--steps",
                "120",
                "--batch-size",
                "16",
                "--learning-rate",
                "0.05",
                "--batch-norm-decay",
                "0.9",
                "--save-every",
                "50",
                "--log-every",
                "40",
                "--seed",
                "3",
                "--tensorboard",
                tmp.resolve("tb").toString(),
                "-q");
        assertThat(train.exitCode()).as(train.toString()).isZero();
        // the TensorBoard scalars are the printed means, step by step
        Map<Long, Map<String, Float>> scalars = new HashMap<>();
        try (var files = Files.list(tmp.resolve("tb"))) {
            Path events = files.findFirst().orElseThrow();
            assertThat(events.getFileName().toString()).startsWith("events.out.tfevents.");
            try (TFRecordReader reader = TFRecordReader.open(events)) {
                for (byte[] record = reader.next(); record != null; record = reader.next()) {
                    Event e = Event.parseFrom(record);
                    for (Summary.Value v : e.getSummary().getValueList()) {
                        scalars.computeIfAbsent(e.getStep(), k -> new HashMap<>())
                                .put(v.getTag(), v.getSimpleValue());
                    }
                }
            }
        }
        assertThat(scalars.keySet()).containsExactlyInAnyOrder(40L, 80L, 120L);
        Matcher logged = Pattern.compile("step 80/120  loss ([0-9.]+)  accuracy ([0-9.]+)%  learning rate ([0-9.e-]+)")
                .matcher(train.out());
        assertThat(logged.find()).as(train.out()).isTrue();
        assertThat((double) scalars.get(80L).get("total_loss"))
                .isCloseTo(Double.parseDouble(logged.group(1)), within(1e-4));
        assertThat((double) scalars.get(80L).get("accuracy"))
                .isCloseTo(Double.parseDouble(logged.group(2)) / 100, within(1e-3));
        // slim's decay: 256 images, 2 epochs per decay, batch 16 -> decay_steps 32; step 80 ran at global step 79
        assertThat((double) scalars.get(80L).get("learning_rate")).isCloseTo(0.05 * 0.94 * 0.94, within(1e-8));
        assertThat(train.out())
                .contains("excluded [resnet_v2/logits/weights, resnet_v2/logits/biases]")
                .contains("step 40/120  loss ")
                .contains("step 120/120  loss ")
                .contains("images/s")
                .contains("saved checkpoint " + out + " at global step 120");
        assertThat(NetworkDescriptor.readFor(out).orElseThrow().network().numClasses())
                .isEqualTo(4);

        Path predictions = tmp.resolve("predictions.csv");
        CliRun eval = CliRun.of(
                "eval",
                "--data",
                tmp.resolve("val").toString(),
                "--checkpoint",
                out.toString(),
                "--format",
                "json",
                "--predictions",
                predictions.toString(),
                "-q");
        assertThat(eval.exitCode()).as(eval.toString()).isZero();
        JsonNode doc = ResultWriter.MAPPER.readTree(eval.out());
        assertThat(doc.get("images").asInt()).isEqualTo(64);
        assertThat(doc.get("top1").asDouble()).as(eval.out()).isGreaterThanOrEqualTo(0.9);

        Path models = tmp.resolve("models/m");
        CliRun export = CliRun.of("export", "--checkpoint", out.toString(), "--out", models.toString());
        assertThat(export.exitCode()).as(export.toString()).isZero();

        Path labels = Files.writeString(tmp.resolve("labels.txt"), String.join("\n", CLASSES) + "\n");
        CliRun classify = CliRun.of(
                "classify",
                tmp.resolve("val").toString(),
                "--saved-model",
                models.toString(),
                "--labels",
                labels.toString(),
                "--top-k",
                "1",
                "--format",
                "json");
        assertThat(classify.exitCode()).as(classify.toString()).isZero();
        JsonNode c = ResultWriter.MAPPER.readTree(classify.out());
        assertThat(c.get("signature").asText()).isEqualTo("serving_bytes");
        Map<Path, Integer> served = new HashMap<>();
        for (JsonNode image : c.get("images")) {
            served.put(
                    Path.of(image.get("image").asText()).toAbsolutePath(),
                    image.get("top").get(0).get("index").asInt());
        }
        List<String> lines = Files.readAllLines(predictions);
        assertThat(lines).hasSize(65);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            assertThat(served.get(Path.of(f[0]).toAbsolutePath())).as(f[0]).isEqualTo(Integer.parseInt(f[2]));
        }
    }

    /** Ctrl-C (SIGINT) in a child JVM, sent once it has printed a step line: the step finishes, a checkpoint is saved. */
    @Test
    void ctrl_c_saves_a_last_checkpoint(@TempDir Path tmp) throws Exception {
        writeTree(tmp.resolve("train"), 4, 1);
        Path out = tmp.resolve("run/model.ckpt");
        List<String> args = new java.util.ArrayList<>(
                List.of("train", "--data", tmp.resolve("train").toString(), "--out", out.toString()));
        args.addAll(TINY);
        args.addAll(List.of("--steps", "100000", "--save-every", "100000", "--log-every", "2", "-q"));
        try (ChildJvm child =
                ChildJvm.start(Files.createDirectories(tmp.resolve("work")), ResNetBenchCli.class, args)) {
            child.awaitStdout("step 2/100000", Duration.ofSeconds(120));
            child.interrupt();
            ChildJvm.Finished f = child.finish(Duration.ofSeconds(120));
            assertThat(f.exitCode()).as(f.toString()).isEqualTo(130);
            assertThat(f.stdout()).as(f.toString()).contains("stopped; saved checkpoint " + out + " at global step ");
            assertThat(NetworkDescriptor.readFor(out)).isPresent();
            try (CheckpointReader reader = CheckpointReader.open(out)) {
                assertThat(reader.entries()).extracting(CheckpointEntry::name).contains("global_step");
            }
        }
    }

    /** {@code dir/train-00000-of-00001} holding {@code records} (EvalCommandTest's framing). */
    private static Path tfRecords(Path dir, List<byte[]> records) throws IOException {
        Files.write(Files.createDirectories(dir).resolve("train-00000-of-00001"), EvalCommandTest.frame(records));
        return dir;
    }

    /** {@code train --data data --out tmp/m.ckpt} and {@code more}. */
    private static CliRun train(Path data, Path tmp, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "train",
                "--data",
                data.toString(),
                "--out",
                tmp.resolve("m.ckpt").toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    /**
     * slim's TFRecords (labels 1..4, {@code --labels-offset 1}) with one record whose JPEG is truncated: training runs,
     * every pass names that record, the polynomial schedule is printed and fed.
     */
    @Test
    void trains_on_tfrecords_and_reports_the_undecodable_record(@TempDir Path tmp) throws Exception {
        Path tree = tmp.resolve("tree");
        writeTree(tree, 4, 1);
        List<byte[]> records = new java.util.ArrayList<>();
        for (int c = 0; c < CLASSES.length; c++) {
            for (int i = 0; i < 4; i++) {
                String name = i + (i % 2 == 0 ? ".jpg" : ".png");
                records.add(EvalCommandTest.example(
                        Files.readAllBytes(tree.resolve(CLASSES[c]).resolve(name)), c + 1));
            }
        }
        byte[] jpeg = Files.readAllBytes(tree.resolve("a_red/0.jpg"));
        records.add(7, EvalCommandTest.example(java.util.Arrays.copyOf(jpeg, 300), 1)); // record 7: a truncated JPEG
        Path dir = tfRecords(tmp.resolve("records"), records);
        Path out = tmp.resolve("m.ckpt");
        CliRun train = train(
                dir,
                tmp,
                "--num-classes",
                "4",
                "--labels-offset",
                "1",
                TINY.get(0),
                TINY.get(1),
                TINY.get(2),
                TINY.get(3),
                TINY.get(4),
                TINY.get(5),
                "--steps",
                "10",
                "--log-every",
                "5",
                "--learning-rate-decay-type",
                "polynomial",
                "--end-learning-rate",
                "0.001",
                "--epochs-per-decay",
                "1",
                "--learning-rate",
                "0.05",
                "--seed",
                "2",
                "-q");
        assertThat(train.exitCode()).as(train.toString()).isZero();
        String record = dir.resolve("train-00000-of-00001").toAbsolutePath() + "#7";
        assertThat(train.out())
                .contains("on 17 images of 1 TFRecord files, image/class/label - 1 (labels offset)")
                .contains("learning rate 0.05 (polynomial)")
                .contains("pass 1 over the data complete at step 5: 16 of 17 images used, 1 undecodable")
                .contains("pass 2 over the data complete at step 9: 16 of 17 images used, 1 undecodable")
                .contains(
                        "undecodable images: 1 of 17 dropped by TensorFlow in every pass (named on stderr): " + record)
                .contains("saved checkpoint " + out + " at global step 10");
        assertThat(train.err()).containsOnlyOnce(record + ": TensorFlow could not decode");
        // slim's naming: m.ckpt-10 and the 'checkpoint' state file; eval given the folder reads the latest
        assertThat(Files.readString(tmp.resolve("checkpoint"))).startsWith("model_checkpoint_path: \"m.ckpt-10\"\n");
        CliRun eval = CliRun.of(
                "eval", "--data", dir.toString(), "--checkpoint", tmp.toString(), "--labels-offset", "1", "-q");
        assertThat(eval.exitCode()).as(eval.toString()).isZero();
        assertThat(eval.out())
                .contains("model: checkpoint " + tmp.resolve("m.ckpt-10"))
                .contains("labels: 4 labels from the records' image/class/text")
                .contains("16 images evaluated")
                .contains("1 unreadable");
        // polynomial decay over int(17 * 1 / 4) = 4 steps: from step 4 on the end rate; step 5 ran at global step 4
        assertThat(train.out()).contains("step 5/10  loss ").containsPattern("step 5/10 .* learning rate 0.00100000 ");
    }

    /** train --moving-average-decay writes the shadows; eval and classify --moving-average-decay restore them. */
    @Test
    void moving_averages_are_trained_then_restored_by_eval_and_classify(@TempDir Path tmp) throws Exception {
        writeTree(tmp.resolve("train"), 2, 1);
        List<String> args = new java.util.ArrayList<>(TINY);
        args.addAll(List.of("--num-classes", "4", "--steps", "3", "--moving-average-decay", "0.99", "-q"));
        CliRun train = train(tmp.resolve("train"), tmp, args.toArray(String[]::new));
        assertThat(train.exitCode()).as(train.toString()).isZero();
        assertThat(train.out()).contains("moving averages of the model variables: decay 0.99");
        Path out = tmp.resolve("m.ckpt-3");
        try (CheckpointReader reader = CheckpointReader.open(out)) {
            assertThat(reader.entries())
                    .extracting(CheckpointEntry::name)
                    .contains("resnet_v2/logits/weights/ExponentialMovingAverage", "global_step");
        }
        CliRun eval = CliRun.of(
                "eval",
                "--data",
                tmp.resolve("train").toString(),
                "--checkpoint",
                out.toString(),
                "--moving-average-decay",
                "0.99",
                "-q");
        assertThat(eval.exitCode()).as(eval.toString()).isZero();
        assertThat(eval.out()).contains("(moving averages)");
        CliRun classify = CliRun.of(
                "classify",
                tmp.resolve("train").toString(),
                "--checkpoint",
                tmp.toString(),
                "--labels",
                Files.writeString(tmp.resolve("labels.txt"), String.join("\n", CLASSES) + "\n")
                        .toString(),
                "--moving-average-decay",
                "0.99");
        assertThat(classify.exitCode()).as(classify.toString()).isZero();
        assertThat(classify.out()).contains("(moving averages)");
        // export --moving-average-decay: the SavedModel classifies as the checkpoint's averages do, not as its values
        CliRun export = CliRun.of(
                "export",
                "--checkpoint",
                out.toString(),
                "--out",
                tmp.resolve("averaged").toString(),
                "--moving-average-decay",
                "0.99");
        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(export.out()).contains("(moving averages)");
        CliRun exportRaw = CliRun.of(
                "export",
                "--checkpoint",
                out.toString(),
                "--out",
                tmp.resolve("raw").toString());
        assertThat(exportRaw.exitCode()).as(exportRaw.toString()).isZero();
        Path labels = tmp.resolve("labels.txt");
        CliRun fromAveraged = CliRun.of(
                "classify",
                tmp.resolve("train").toString(),
                "--saved-model",
                tmp.resolve("averaged/1").toString(),
                "--labels",
                labels.toString());
        CliRun fromRaw = CliRun.of(
                "classify",
                tmp.resolve("train").toString(),
                "--saved-model",
                tmp.resolve("raw/1").toString(),
                "--labels",
                labels.toString());
        assertThat(fromAveraged.exitCode()).as(fromAveraged.toString()).isZero();
        assertThat(results(fromAveraged.out())).isEqualTo(results(classify.out()));
        assertThat(fromRaw.exitCode()).as(fromRaw.toString()).isZero();
        // the two exports hold the checkpoint's averages and its values, which differ after 3 steps (classify's
        // printed probabilities cannot tell them apart when the untrained net saturates its softmax)
        for (String key : List.of("resnet_v2/logits/weights", "resnet_v2/conv1/weights")) {
            float[] value = floats(out, key);
            float[] average = floats(out, key + "/ExponentialMovingAverage");
            assertThat(average).as(key).isNotEqualTo(value);
            assertThat(floats(tmp.resolve("averaged/1/variables/variables"), key))
                    .as(key)
                    .isEqualTo(average);
            assertThat(floats(tmp.resolve("raw/1/variables/variables"), key))
                    .as(key)
                    .isEqualTo(value);
        }
        CliRun noCheckpoint =
                CliRun.of("export", "--out", tmp.resolve("none").toString(), "--moving-average-decay", "0.99");
        assertThat(noCheckpoint.exitCode()).as(noCheckpoint.toString()).isEqualTo(2);
        assertThat(noCheckpoint.err()).contains("--moving-average-decay: only with a checkpoint (--checkpoint)");
        CliRun withExclude = CliRun.of(
                "export",
                "--checkpoint",
                out.toString(),
                "--exclude",
                "resnet_v2/logits",
                "--out",
                tmp.resolve("none").toString(),
                "--moving-average-decay",
                "0.99");
        assertThat(withExclude.exitCode()).as(withExclude.toString()).isEqualTo(2);
        assertThat(withExclude.err()).contains("--moving-average-decay: not with --exclude");

        List<String> plainArgs = new java.util.ArrayList<>(TINY);
        plainArgs.addAll(List.of("--num-classes", "4", "--steps", "1", "-q"));
        CliRun plain = train(tmp.resolve("train"), tmp.resolve("plain"), plainArgs.toArray(String[]::new));
        assertThat(plain.exitCode()).as(plain.toString()).isZero();
        CliRun noShadows = CliRun.of(
                "eval",
                "--data",
                tmp.resolve("train").toString(),
                "--checkpoint",
                tmp.resolve("plain/m.ckpt-1").toString(),
                "--moving-average-decay",
                "0.99");
        assertThat(noShadows.exitCode()).as(noShadows.toString()).isEqualTo(2);
        assertThat(noShadows.err())
                .contains("--moving-average-decay: the checkpoint")
                .contains("has no moving averages");
        CliRun badDecay = train(tmp.resolve("train"), tmp.resolve("bad"), "--moving-average-decay", "1");
        assertThat(badDecay.exitCode()).isEqualTo(2);
        assertThat(badDecay.err()).contains("--moving-average-decay: must be in (0, 1)");
        CliRun badReaders = train(tmp.resolve("train"), tmp.resolve("bad"), "--num-readers", "0");
        assertThat(badReaders.exitCode()).isEqualTo(2);
        assertThat(badReaders.err()).contains("--num-readers: must be in [1, 64], got 0");
        CliRun savedModel = CliRun.of(
                "classify",
                tmp.resolve("train").toString(),
                "--saved-model",
                tmp.toString(),
                "--moving-average-decay",
                "0.99");
        assertThat(savedModel.exitCode()).isEqualTo(2);
        assertThat(savedModel.err()).contains("--moving-average-decay: only with --checkpoint");
    }

    @Test
    void refuses_bad_options_naming_them(@TempDir Path tmp) throws Exception {
        writeTree(tmp.resolve("train"), 1, 1);
        CliRun both = train(tmp.resolve("train"), tmp, "--steps", "3", "--epochs", "1");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("--steps: give --steps or --epochs, not both");
        CliRun noDir = train(tmp.resolve("nope"), tmp);
        assertThat(noDir.exitCode()).isEqualTo(2);
        assertThat(noDir.err()).contains("--data: " + tmp.resolve("nope") + " does not exist");
        CliRun cosine = train(tmp.resolve("train"), tmp, "--learning-rate-decay-type", "cosine");
        assertThat(cosine.exitCode()).isEqualTo(2);
        assertThat(cosine.err())
                .contains("--learning-rate-decay-type: unknown learning-rate decay type 'cosine'; allowed:"
                        + " exponential, fixed, polynomial");
        Path records = tfRecords(tmp.resolve("records"), List.of(EvalCommandTest.example(new byte[] {1}, 1)));
        CliRun noClasses = train(records, tmp);
        assertThat(noClasses.exitCode()).isEqualTo(2);
        assertThat(noClasses.err()).contains("--num-classes: required with TFRecord --data");
        assertThat(Files.exists(tmp.resolve("m.ckpt.index"))).isFalse();
        CliRun exclude = train(tmp.resolve("train"), tmp, "--exclude", "resnet_v2_50/logits");
        assertThat(exclude.exitCode()).isEqualTo(2);
        assertThat(exclude.err()).contains("--exclude: must be used with --checkpoint");
        CliRun sgd = train(tmp.resolve("train"), tmp, "--optimizer", "sgd");
        assertThat(sgd.exitCode()).isEqualTo(2);
        assertThat(sgd.err()).contains("--optimizer: must be one of momentum, rmsprop, adam, got 'sgd'");
    }

    /** The float32 entry {@code key} of the checkpoint (or SavedModel variables) at {@code prefix}. */
    private static float[] floats(Path prefix, String key) {
        try (CheckpointReader reader = CheckpointReader.open(prefix);
                org.tensorflow.types.TFloat32 t = reader.readFloat32(key)) {
            float[] v = new float[Math.toIntExact(t.size())];
            t.asRawTensor().data().asFloats().read(v);
            return v;
        }
    }

    /** classify's per-image lines: everything but the model header (which names the model's source). */
    private static List<String> results(String out) {
        return out.lines().filter(l -> !l.startsWith("model:")).toList();
    }
}
