/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.resnet.testing.ReferenceCounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code forward --mode forward-backward} and {@code --mode train} on resnet_v2_50, batch 2, 64×64, 1 warm-up + 2
 * timed steps. Expected counts come from slim's architecture in plain Java: resnet_v2_50 has 1 + 3·16 + 4 + 1 = 54
 * convolutions (root, three per unit, four projection shortcuts, logits), 174 trainable variables and 49 batch norms.
 */
class ForwardModesTest {
    private static final int[] UNITS = TinyRuns.UNITS;
    private static final int BATCH = 2;
    private static final int SIZE = 64;
    private static final int CLASSES = 10;
    private static final Pattern STEP_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}: step (\\d+), duration = \\d+\\.\\d{3}");

    private static String[] tiny(String mode, String... more) {
        List<String> args =
                new ArrayList<>(List.of("forward", "--mode", mode, "--num-classes", String.valueOf(CLASSES)));
        args.addAll(TinyRuns.resnet50(BATCH, SIZE, 1, 2));
        args.addAll(Arrays.asList(more));
        return args.toArray(String[]::new);
    }

    private static int units() {
        return IntStream.of(UNITS).sum();
    }

    /** Root, three per unit, one projection shortcut per block (its first unit changes the depth), logits. */
    private static int convolutions() {
        return 1 + 3 * units() + 4 + 1;
    }

    /** Root weights+biases, per unit preact gamma/beta + 2×(weights, gamma, beta) + conv3 weights/biases, ... */
    private static int trainableVariables() {
        return 2 + 10 * units() + 2 * 4 + 2 + 2;
    }

    /** preact, conv1 and conv2 of every unit, plus postnorm. */
    private static int batchNorms() {
        return 3 * units() + 1;
    }

    /** The root 7×7/2 convolution: 32×32 outputs of 64 channels, each 7·7·3 multiply-adds. */
    private static long rootMultiplyAdds() {
        return 7L * 7 * 3 * 64 * (SIZE / 2) * (SIZE / 2);
    }

    private static int kernels(JsonNode trace, String typePart) {
        int n = 0;
        for (JsonNode t : trace.get("op_types")) {
            if (t.get("type").asText().contains(typePart)) {
                n += t.get("count").asInt();
            }
        }
        return n;
    }

    private static List<String> matching(String text, Pattern p) {
        return text.lines().filter(l -> p.matcher(l).matches()).toList();
    }

    /**
     * The traced step of forward-backward runs every convolution's filter gradient and, except the root's (its input
     * is the images), its input gradient: with the backward pass pruned there would be none.
     */
    @Test
    void forward_backward_computes_every_gradient() throws IOException {
        CliRun run = CliRun.of(tiny("forward-backward", "--format", "json"));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(matching(run.err(), STEP_LINE)).as(run.toString()).hasSize(1);
        assertThat(run.err())
                .contains(": forward-backward across 2 steps, ")
                .contains("(training graph: forward-backward, all gradients)")
                .contains("gradients      " + trainableVariables() + " fetched per step");

        JsonNode json = ResultWriter.MAPPER.readTree(run.out());
        JsonNode config = json.get("config");
        assertThat(config.get("mode").asText()).isEqualTo("forward-backward");
        assertThat(config.get("optimized").asBoolean()).isFalse();
        assertThat(config.get("learning_rate").isNull()).isTrue();
        assertThat(json.get("timings").get("warmup_seconds")).hasSize(1);
        assertThat(json.get("timings").get("step_seconds")).hasSize(2);

        JsonNode trace = json.get("trace");
        assertThat(kernels(trace, "Conv2DBackpropFilter")).as(trace.toString()).isEqualTo(convolutions());
        assertThat(kernels(trace, "Conv2DBackpropInput")).as(trace.toString()).isEqualTo(convolutions() - 1);
        assertThat(kernels(trace, "ApplyMomentum")).isZero();

        long forward = ReferenceCounts.of(UNITS, SIZE, SIZE, CLASSES).multiplyAdds();
        JsonNode model = json.get("model");
        assertThat(model.get("multiply_adds_per_image").asLong()).isEqualTo(forward);
        assertThat(model.get("gflop_per_batch").asDouble())
                .isCloseTo(2.0 * BATCH * (3 * forward - rootMultiplyAdds()) / 1e9, within(1e-9));
    }

    /**
     * A train step runs one ApplyMomentum per trainable variable and increments the global step once per step run:
     * 1 warm-up + 2 timed + 2 traced.
     */
    @Test
    void train_updates_every_variable_once_per_step(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("train.json");
        Path svg = dir.resolve("train.svg");
        CliRun run = CliRun.of(tiny(
                "train",
                "--learning-rate",
                "0.05",
                "--momentum",
                "0.5",
                "--format",
                "json",
                "--output",
                file.toString(),
                "--plot",
                svg.toString()));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(matching(run.out(), STEP_LINE)).as(run.toString()).hasSize(1);
        assertThat(run.out())
                .contains(": train across 2 steps, ")
                .contains(
                        "summary: resnet_v2_50 fp32 NHWC (training graph: momentum train step), batch 2, 64x64, 10 classes")
                .contains("momentum 0.5, learning rate 0.05: " + trainableVariables() + " variables updated")
                .contains(2 * batchNorms() + " batch-norm update ops")
                .contains("global step    " + (1 + 2 + 2) + " after the run (1 warm-up + 2 timed + 2 traced steps)");

        JsonNode json = ResultWriter.MAPPER.readTree(file.toFile());
        JsonNode config = json.get("config");
        assertThat(config.get("mode").asText()).isEqualTo("train");
        assertThat(config.get("learning_rate").asDouble()).isEqualTo(0.05);
        assertThat(config.get("momentum").asDouble()).isEqualTo(0.5);
        assertThat(kernels(json.get("trace"), "ApplyMomentum")).isEqualTo(trainableVariables());
        assertThat(kernels(json.get("trace"), "Conv2DBackpropFilter")).isEqualTo(convolutions());

        List<String> csv =
                ResultWriter.csv(ResultWriter.readResult(file)).lines().toList();
        int mode = ResultWriter.CSV_COLUMNS.indexOf("mode");
        assertThat(csv).hasSize(1 + 1 + 2);
        assertThat(csv.subList(1, csv.size()))
                .allSatisfy(r -> assertThat(r.split(",")[mode]).isEqualTo("train"));
        assertThat(Files.readString(svg)).contains("<svg").contains("train");
    }

    static Stream<Arguments> badCombinations() {
        return Stream.of(
                Arguments.of(
                        List.of("--mode", "backward"),
                        "--mode: unknown mode 'backward'; allowed: inference, forward-backward, train"),
                Arguments.of(
                        List.of("--mode", "train", "--saved-model", "models/x"),
                        "--mode train: not with --saved-model"),
                Arguments.of(
                        List.of("--mode", "forward-backward", "--saved-model", "models/x"),
                        "--mode forward-backward: not with --saved-model"),
                Arguments.of(List.of("--mode", "train", "--optimize"), "--optimize: not with --mode train"),
                Arguments.of(
                        List.of("--mode", "forward-backward", "--optimize"),
                        "--optimize: not with --mode forward-backward"),
                Arguments.of(
                        List.of("--mode", "train", "--num-classes", "0"),
                        "--num-classes 0: --mode train needs logits for its loss"),
                Arguments.of(
                        List.of("--mode", "forward-backward", "--num-classes", "0"),
                        "--num-classes 0: --mode forward-backward needs logits for its loss"),
                Arguments.of(List.of("--learning-rate", "0.1"), "--learning-rate: only with --mode train"),
                Arguments.of(
                        List.of("--mode", "forward-backward", "--momentum", "0.5"),
                        "--momentum: only with --mode train"),
                Arguments.of(List.of("--mode", "train", "--momentum", "1"), "--momentum: must be in [0, 1), got 1.0"),
                Arguments.of(
                        List.of("--mode", "train", "--learning-rate", "-1"),
                        "--learning-rate: must be a finite number >= 0, got -1.0"));
    }

    @ParameterizedTest
    @MethodSource("badCombinations")
    void bad_combinations_exit_2_with_their_message(List<String> args, String message) {
        List<String> all = new ArrayList<>(List.of("forward", "--model", "resnet_v2_50", "--image-size", "64"));
        all.addAll(args);
        CliRun run = CliRun.of(all.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err().strip())
                .as(run.toString())
                .startsWith("resnet-bench forward: ")
                .contains(message)
                .doesNotContain("\n");
    }

    /**
     * A training step keeps the forward activations for the backward pass (resnet_v2_50 at 224x224: about 85 MiB per
     * image of convolution and ReLU outputs), so a batch of 4096 (about 340 GiB) is refused before TensorFlow
     * allocates, with the one-line message and exit 1, not the OOM killer.
     */
    @Test
    void a_training_batch_that_cannot_fit_is_refused_before_tensorflow_allocates() {
        CliRun run = CliRun.of(
                "forward",
                "--model",
                "resnet_v2_50",
                "--mode",
                "train",
                "--batch-size",
                "4096",
                "--warmup",
                "0",
                "--num-batches",
                "1");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().strip())
                .startsWith("resnet-bench forward: error: --batch-size 4096: one step needs at least")
                .doesNotContain("Exception")
                .doesNotContain("\n");
    }

    @Test
    void no_optimize_is_accepted_in_the_training_modes() {
        CliRun bad = CliRun.of("forward", "--mode", "train", "--no-optimize", "--num-classes", "0");
        assertThat(bad.err()).as("--no-optimize passes; the next check fires").contains("--num-classes 0");
    }
}
