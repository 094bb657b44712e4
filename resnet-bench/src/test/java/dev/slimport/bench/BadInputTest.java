/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad input of the issue: its exit code and a one-line message naming the option and what is allowed. */
class BadInputTest {

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of(
                        List.of("--model", "resnet_v2_18"),
                        "--model: unknown model 'resnet_v2_18'; allowed: resnet_v2_50, resnet_v2_101, resnet_v2_152, resnet_v2_200"),
                Arguments.of(List.of("--batch-size", "0"), "--batch-size: must be >= 1, got 0"),
                Arguments.of(List.of("--batch-size", "-4"), "--batch-size: must be >= 1, got -4"),
                Arguments.of(
                        List.of("--batch-size", "many"),
                        "Invalid value for option '--batch-size': 'many' is not an int"),
                Arguments.of(List.of("--image-size", "16"), "--image-size: must be >= 32 for resnet_v2_50"),
                Arguments.of(List.of("--height", "224", "--width", "31"), "--height/--width: must be >= 32"),
                Arguments.of(
                        List.of("--output-stride", "8", "--image-size", "7"),
                        "--image-size: must be >= 8 for resnet_v2_50 (its output stride with --output-stride 8"),
                Arguments.of(
                        List.of("--output-stride", "6"),
                        "--output-stride: 6: The output_stride needs to be a multiple of 4. Allowed: 4, 8, 16, 32"),
                Arguments.of(
                        List.of("--output-stride", "64"),
                        "--output-stride: 64: The target output_stride cannot be reached."),
                Arguments.of(List.of("--num-batches", "0"), "--num-batches: must be >= 1 (timed steps), got 0"),
                Arguments.of(List.of("--warmup", "-1"), "--warmup: must be >= 0, got -1"),
                Arguments.of(
                        List.of("--precision", "fp8"),
                        "--precision: unknown precision 'fp8'; allowed: fp32, bf16, fp16, int8"),
                Arguments.of(
                        List.of("--precision", "int8", "--no-optimize"),
                        "--precision int8: not with --no-optimize (int8 quantizes the folded graph: batch norms"
                                + " folded into the convolutions); allowed with --no-optimize: fp32, bf16, fp16"),
                Arguments.of(
                        List.of("--calibration", "synthetic"),
                        "--calibration: only with --precision int8 (it calibrates the int8 quantization), got"
                                + " --precision fp32; allowed --precision with it: int8"),
                Arguments.of(
                        List.of("--precision", "bf16", "--calibration-batches", "2"),
                        "--calibration-batches: only with --precision int8 (it calibrates the int8 quantization),"
                                + " got --precision bf16; allowed --precision with it: int8"),
                Arguments.of(
                        List.of("--precision", "int8", "--calibration", "/nonexistent-calibration-dir"),
                        "--calibration: /nonexistent-calibration-dir does not exist; allowed: a folder of image files"
                                + " (bmp, gif, jpeg, jpg, png) or synthetic"),
                Arguments.of(
                        List.of("--int8-root"),
                        "--int8-root: only with --precision int8 (it calibrates the int8 quantization), got"
                                + " --precision fp32; allowed --precision with it: int8"),
                Arguments.of(
                        List.of("--precision", "int8", "--calibration-batches", "0"),
                        "--calibration-batches: must be in 1..10000, got 0"),
                Arguments.of(
                        List.of("--precision", "int8", "--mode", "train"),
                        "--precision int8: only with --mode inference (int8 quantizes the inference graph; the"
                                + " training modes need float gradients), got --mode train; allowed with --mode train:"
                                + " fp32, bf16, fp16"),
                Arguments.of(
                        List.of("--data-format", "NWHC"),
                        "--data-format: unknown data format 'NWHC'; allowed: NHWC, NCHW"),
                Arguments.of(List.of("--device", "cpu", "--data-format", "NCHW"), "--data-format NCHW: not on a CPU"),
                Arguments.of(List.of("--device", "tpu"), "--device: unknown device 'tpu'; allowed: cpu, gpu, gpu:N"),
                Arguments.of(List.of("--input", "file"), "--input: unknown input 'file'; allowed: random, fixed"),
                Arguments.of(List.of("--format", "xml"), "--format: unknown format 'xml'; allowed: text, json, csv"),
                Arguments.of(List.of("--output", "/nonexistent-dir/run.json"), "--output: the directory of"),
                Arguments.of(
                        List.of("--plot", "steps.gif"),
                        "--plot: unknown chart type 'steps.gif'; allowed: a .png or .svg"),
                Arguments.of(List.of("--intra-op-threads", "-2"), "--intra-op-threads: must be >= 0"),
                Arguments.of(
                        List.of("--with-ceiling", "--saved-model", "/nonexistent-model"),
                        "--with-ceiling: not with --saved-model"),
                Arguments.of(List.of("--bogus"), "Unknown option: '--bogus'"));
    }

    /** A SavedModel fixes its precision: the calibration options are refused with it. */
    @Test
    void calibration_is_refused_with_a_saved_model() {
        assertOneLineUsageError(
                CliRun.of("forward", "--saved-model", "/nonexistent-model", "--calibration", "synthetic"),
                "--calibration: not with --saved-model");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usageErrors")
    void usage_errors_exit_2_with_one_line(List<String> bad, String message) {
        assertOneLineUsageError(forward(bad), message);
    }

    /**
     * {@code --device gpu --strict-device}: where TensorFlow sees a GPU the run uses it; elsewhere a one-line usage
     * error names why (the CPU build, or a GPU build that sees no GPU). The decision itself is shown on fake devices
     * in {@code DeviceDecisionTest}.
     */
    @Test
    void strict_device_gpu_runs_on_the_gpu_or_says_why_it_cannot() {
        CliRun run = forward(List.of("--device", "gpu", "--strict-device"));
        if (Host.gpus() > 0) {
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains(", on gpu:0, ").doesNotContain("asked for");
        } else {
            assertOneLineUsageError(run, "--device gpu:0: " + Host.missingGpuReason(0));
        }
    }

    private static CliRun forward(List<String> bad) {
        List<String> args = TinyRuns.forwardOneStep(bad.toArray(String[]::new));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static void assertOneLineUsageError(CliRun run, String message) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err().strip())
                .as(run.toString())
                .doesNotContain("\n")
                .contains(message)
                .startsWith("resnet-bench forward: ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void unwritable_output_is_a_usage_error(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectory(dir.resolve("a-folder"));
        CliRun run = CliRun.of("forward", "--output", folder.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--output: '" + folder + "' is a directory");
    }

    /** Whether the Spark build's command is on the class path ({@code -Pspark}), looked up by class name. */
    private static boolean sparkBuild() {
        try {
            Class.forName(ResNetBenchCli.SPARK_INFER_CLASS);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * Without Spark on the class path, {@code spark-infer} says how to get it; in the Spark build ({@code -Pspark})
     * the real command runs and refuses a SavedModel directory that does not exist, and missing options.
     */
    @Test
    void spark_infer_says_how_to_get_the_spark_build_or_runs_the_real_command(@TempDir Path dir) {
        String missing = dir.resolve("no-such-model").toString();
        CliRun run = CliRun.of(
                "spark-infer",
                "--master",
                "local[2]",
                "--saved-model",
                missing,
                "--input",
                dir.toString(),
                "--output",
                dir.resolve("o").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        if (sparkBuild()) {
            assertThat(run.err())
                    .as(run.toString())
                    .contains("saved-model: ")
                    .contains(missing)
                    .contains("does not exist")
                    .doesNotContain("this build has no Spark")
                    .doesNotContain("\tat ");
            CliRun bare = CliRun.of("spark-infer");
            assertThat(bare.exitCode()).as(bare.toString()).isEqualTo(2);
            assertThat(bare.err())
                    .as(bare.toString())
                    .contains("Missing required option")
                    .contains("--input");
        } else {
            assertThat(run.err()).contains("this build has no Spark").contains("-Pspark");
        }
    }

    @Test
    void usage_errors_without_the_command_name_go_to_forward() {
        CliRun run = CliRun.of("--batch-size", "0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("resnet-bench forward: --batch-size: must be >= 1, got 0");

        CliRun typo = CliRun.of("forwrd");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err().strip())
                .startsWith("resnet-bench: unknown command 'forwrd'; allowed: forward, describe, info, ceiling, plot,"
                        + " export, verify, train-demo, classify, eval, train, help")
                .contains("spark-infer")
                .endsWith(" (see --help)");
    }

    @Test
    void a_batch_that_exhausts_memory_is_a_runtime_error_without_stack_trace() {
        CliRun run = CliRun.of(TinyRuns.command("forward", TinyRuns.resnet50(1000000, 64, 0, 1))
                .toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().strip())
                .doesNotContain("\n")
                .startsWith("resnet-bench forward: error: --batch-size 1000000: one step needs at least")
                .contains("use a smaller --batch-size");
    }

    /** The fixed host batch is allocated only after the memory check: the documented refusal, not "integer overflow". */
    @Test
    void a_fixed_input_batch_that_cannot_fit_is_refused_before_the_host_batch_is_allocated() {
        CliRun run = CliRun.of(TinyRuns.command("forward", TinyRuns.resnet50(100000, 64, 0, 1), "--input", "fixed")
                .toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().strip())
                .doesNotContain("\n")
                .doesNotContain("integer overflow")
                .startsWith("resnet-bench forward: error: --batch-size 100000: one step needs at least")
                .contains("use a smaller --batch-size");
    }

    @Test
    void a_ceiling_batch_that_exhausts_memory_is_a_runtime_error() {
        CliRun run = CliRun.of("ceiling", "--batch-size", "100000", "--precision", "fp32");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err().strip())
                .doesNotContain("\n")
                .startsWith("resnet-bench ceiling: error: --batch-size 100000: the convolution needs at least");
    }

    @Test
    void verbose_shows_the_stack_trace() {
        CliRun quiet = CliRun.of("forward", "--model", "resnet_v2_18");
        assertThat(quiet.err()).doesNotContain("\tat ");
        CliRun verbose = CliRun.of("--verbose", "forward", "--model", "resnet_v2_18");
        assertThat(verbose.exitCode()).isEqualTo(2);
        assertThat(verbose.err()).contains("--model: unknown model").contains("\tat dev.slimport");
        CliRun inherited = CliRun.of("forward", "--model", "resnet_v2_18", "--verbose");
        assertThat(inherited.err()).contains("\tat dev.slimport");
    }

    /** gpu:N with N = the number of GPUs seen here does not exist on any machine: the run falls back to the CPU. */
    @Test
    void a_missing_gpu_falls_back_to_the_cpu_with_a_warning() {
        String gpu = "gpu:" + Host.gpus();
        CliRun run = CliRun.of(TinyRuns.forward("--device", gpu, "--no-trace", "--quiet"));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err())
                .contains("warning: --device " + gpu + " is not available, running on the CPU: "
                        + Host.missingGpuReason(Host.gpus()));
        assertThat(run.out()).contains("on cpu (asked for " + gpu + ")");
    }

    @Test
    void describe_and_plot_reject_bad_input() {
        assertThat(CliRun.of("describe", "--format", "csv").err())
                .contains("--format: unknown format 'csv'; allowed: text, json");
        CliRun plot = CliRun.of("plot", "missing.json", "--output", "x.png");
        assertThat(plot.exitCode()).isEqualTo(2);
        assertThat(plot.err()).contains("RESULT.json: cannot read 'missing.json'");
        CliRun noFiles = CliRun.of("plot", "--output", "x.png");
        assertThat(noFiles.exitCode()).isEqualTo(2);
        assertThat(CliRun.of("ceiling", "--precision", "int4").err())
                .contains("--precision: unknown precision 'int4'; allowed: fp32, bf16, fp16, int8");
        CliRun describeInt8 = CliRun.of("describe", "--model", "50", "--precision", "int8");
        assertThat(describeInt8.exitCode()).isEqualTo(2);
        assertThat(describeInt8.err())
                .contains("--precision int8: not with describe")
                .contains("allowed: fp32, bf16, fp16");
    }
}
