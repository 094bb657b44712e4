/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.bench.train.NetworkDescriptor;
import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.testing.ReferenceCounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The documented chain {@code train-demo} → {@code export --checkpoint} → {@code verify} on a tiny configuration:
 * resnet_v2_50's blocks at base depth 1, 32×32, batch 4, 2 epochs of 2 steps, 4 classes. Expected counts come from
 * slim's architecture ({@link ReferenceCounts}: 272 variables, of which 2·49 batch-norm moving statistics).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainDemoCommandTest {
    private static final int EPOCHS = 2;
    private static final int BATCH = 4;
    private static final int TRAIN_EXAMPLES = 8;
    private static final int CLASSES = 4;
    private static final int SIZE = 32;
    private static final Pattern EPOCH_LINE = Pattern.compile(
            "epoch (\\d+)/2  loss \\d+\\.\\d{3}  accuracy \\d+\\.\\d%  eval accuracy \\d+\\.\\d%  \\(\\d+\\.\\d s\\)");

    private Path dir;
    private Path prefix;
    private CliRun demo;

    @BeforeAll
    void trainOnce(@TempDir Path shared) {
        dir = shared;
        prefix = dir.resolve("demo/model.ckpt");
        demo = CliRun.of(
                "train-demo",
                "--epochs",
                String.valueOf(EPOCHS),
                "--batch-size",
                String.valueOf(BATCH),
                "--image-size",
                String.valueOf(SIZE),
                "--train-examples",
                String.valueOf(TRAIN_EXAMPLES),
                "--eval-examples",
                "4",
                "--base-depth",
                "1",
                "--num-classes",
                String.valueOf(CLASSES),
                "--seed",
                "5",
                "--checkpoint",
                prefix.toString());
    }

    @Test
    void train_demo_prints_one_line_per_epoch_and_saves_a_checkpoint_with_its_network() throws IOException {
        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        List<Integer> epochs = new ArrayList<>();
        for (String line : demo.out().lines().toList()) {
            Matcher m = EPOCH_LINE.matcher(line);
            if (m.matches()) {
                epochs.add(Integer.parseInt(m.group(1)));
            }
        }
        assertThat(epochs).as(demo.toString()).containsExactly(1, 2);
        int steps = EPOCHS * (TRAIN_EXAMPLES / BATCH);
        assertThat(demo.out())
                .contains("training resnet_v2 (resnet_v2_50 blocks, base depth 1) on 8 synthetic 32x32")
                .contains("saved checkpoint " + prefix.toAbsolutePath() + " at global step " + steps + ":")
                .contains("export it: resnet-bench export --checkpoint " + prefix + " --out DIR");
        // Not a terminal: plain progress lines on stderr, one per quarter of an epoch short of its end.
        assertThat(demo.err())
                .contains("epoch 1/2  step 1/2  loss ")
                .contains("epoch 2/2  step 1/2  loss ")
                .doesNotContain("\r");

        assertThat(Path.of(prefix + ".index")).isRegularFile();
        assertThat(Path.of(prefix + ".data-00000-of-00001")).isRegularFile();
        NetworkDescriptor d = NetworkDescriptor.readFor(prefix).orElseThrow();
        assertThat(d)
                .isEqualTo(new NetworkDescriptor(
                        "slimport-network-2",
                        NetworkSpec.custom("resnet_v2", Depth.D50.blocks(1))
                                .withNumClasses(CLASSES)
                                .withImageSize(SIZE),
                        "resnet-bench train-demo"));
        assertThat(Files.readString(NetworkDescriptor.fileFor(prefix)))
                .contains("\"units\" : [ [ 4, 1, 1 ], [ 4, 1, 1 ], [ 4, 1, 2 ] ]")
                .contains("\"unit_fn\" : \"bottleneck_v2\"");
    }

    /**
     * export restores every variable of the inference graph from the checkpoint and leaves exactly the training
     * state unused: one momentum slot per trainable variable and global_step.
     */
    @Test
    void export_reads_the_network_from_the_descriptor_and_verify_runs_the_export() {
        ReferenceCounts counts = ReferenceCounts.of(TinyRuns.UNITS, SIZE, SIZE, CLASSES);
        int batchNorms = 3 * (3 + 4 + 6 + 3) + 1;
        int trainable = counts.variables() - 2 * batchNorms;
        Path out = dir.resolve("saved");
        CliRun export = CliRun.of("export", "--checkpoint", prefix.toString(), "--out", out.toString());
        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(export.out())
                .contains("exported resnet_v2 (resnet_v2_50 blocks, base depth 1) to "
                        + out.resolve("1").toAbsolutePath())
                .contains(CLASSES + " classes, input [-1," + SIZE + "," + SIZE + ",3]")
                .contains("network from   " + NetworkDescriptor.fileFor(prefix))
                .contains("restored from " + prefix.toAbsolutePath() + ": " + counts.variables() + " variables, "
                        + (trainable + 1) + " checkpoint keys unused");

        CliRun verify = CliRun.of("verify", out.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out())
                .contains("input  images       float32 [-1," + SIZE + "," + SIZE + ",3]")
                .contains("logits float32 [1," + CLASSES + "]");

        CliRun withModel = CliRun.of(
                "export",
                "--checkpoint",
                prefix.toString(),
                "--out",
                dir.resolve("x").toString(),
                "--model",
                "resnet_v2_50");
        assertThat(withModel.exitCode()).as(withModel.toString()).isEqualTo(2);
        assertThat(withModel.err())
                .contains("--model: not with this checkpoint")
                .contains("names its network (resnet_v2 (resnet_v2_50 blocks, base depth 1)); omit --model");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void an_existing_checkpoint_needs_force() throws IOException {
        long before = Files.getLastModifiedTime(Path.of(prefix + ".index")).toMillis();
        CliRun again = CliRun.of("train-demo", "--checkpoint", prefix.toString(), "--epochs", "1");
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(2);
        assertThat(again.err())
                .contains("--checkpoint: a checkpoint exists at " + prefix)
                .contains("--force");
        assertThat(Files.getLastModifiedTime(Path.of(prefix + ".index")).toMillis())
                .isEqualTo(before);
    }

    @Test
    void a_broken_descriptor_is_a_usage_error_of_export() throws IOException {
        Path fake = dir.resolve("broken/model.ckpt");
        Files.createDirectories(fake.getParent());
        CliRun run = exportWithDescriptor(fake, "{\"format\": \"other\"}");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err())
                .contains("--checkpoint: " + NetworkDescriptor.fileFor(fake)
                        + " is not a valid network descriptor (format: expected 'slimport-network-2', got 'other')");

        CliRun v1 = exportWithDescriptor(
                fake, Files.readString(NetworkDescriptor.fileFor(prefix)).replace("bottleneck_v2", "bottleneck_v1"));
        assertThat(v1.exitCode()).as(v1.toString()).isEqualTo(2);
        assertThat(v1.err())
                .contains("--checkpoint: " + NetworkDescriptor.fileFor(fake)
                        + " is not a valid network descriptor (unit_fn: must be bottleneck_v2, got 'bottleneck_v1')");
        assertThat(dir.resolve("y")).doesNotExist();
    }

    /** {@code export --checkpoint fake --out DIR/y}, with {@code descriptor} as fake's network descriptor. */
    private CliRun exportWithDescriptor(Path fake, String descriptor) throws IOException {
        Files.writeString(NetworkDescriptor.fileFor(fake), descriptor);
        return CliRun.of(
                "export",
                "--checkpoint",
                fake.toString(),
                "--out",
                dir.resolve("y").toString());
    }

    static Stream<Arguments> badOptions() {
        return Stream.of(
                Arguments.of(List.of("--epochs", "0"), "--epochs: must be >= 1, got 0"),
                Arguments.of(List.of("--image-size", "16"), "--image-size: must be in [32, 1024], got 16"),
                Arguments.of(List.of("--batch-size", "1"), "--batch-size: must be in [2, 1024], got 1"),
                Arguments.of(
                        List.of("--train-examples", "4", "--batch-size", "8"),
                        "--train-examples: must be >= --batch-size (8), got 4"),
                Arguments.of(List.of("--num-classes", "1"), "--num-classes: must be in [2, 1000], got 1"),
                Arguments.of(List.of("--momentum", "1"), "--momentum: must be in [0, 1), got 1.0"),
                Arguments.of(List.of("--learning-rate", "0"), "--learning-rate: must be a finite number > 0, got 0.0"),
                Arguments.of(List.of("--epochs", "x"), "Invalid value for option '--epochs': 'x' is not an int"));
    }

    @ParameterizedTest
    @MethodSource("badOptions")
    void bad_options_exit_2_with_their_message(List<String> args, String message) {
        List<String> all = new ArrayList<>(List.of(
                "train-demo", "--checkpoint", dir.resolve("unused/m.ckpt").toString()));
        all.addAll(args);
        CliRun run = CliRun.of(all.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err().strip()).as(run.toString()).contains(message).doesNotContain("\n");
        assertThat(run.out()).isEmpty();
        assertThat(dir.resolve("unused")).doesNotExist();
    }

    @Test
    void a_directory_is_not_a_checkpoint_prefix() {
        CliRun run = CliRun.of("train-demo", "--checkpoint", dir.toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("--checkpoint: '" + dir + "' is a directory");
    }
}
