/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.bench.host.EnvironmentInfo;
import dev.slimport.bench.result.BenchmarkResult;
import dev.slimport.bench.result.LatencyStats;
import dev.slimport.bench.result.Reports;
import dev.slimport.bench.result.SeedFormat;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReportsTest {

    static BenchmarkResult result(List<Double> steps, int asked, boolean interrupted) {
        BenchmarkResult.Config.Builder config = new BenchmarkResult.Config.Builder();
        config.model = "resnet_v2_152";
        config.batchSize = 32;
        config.height = 224;
        config.width = 224;
        config.numClasses = 1000;
        config.dataFormat = "NHWC";
        config.precision = "fp32";
        config.optimized = true;
        config.input = "random";
        config.warmup = 10;
        config.numBatches = asked;
        config.deviceRequested = "cpu";
        config.deviceUsed = "cpu";
        return new BenchmarkResult(
                1,
                "2026-01-02T03:04:05",
                config.build(),
                EnvironmentInfo.detect(List.of()),
                new BenchmarkResult.ModelInfo("resnet_v2_152", 1, 1, 1_000_000_000L, 64.0),
                new BenchmarkResult.Timings(1, 2, 3, List.of(), steps, interrupted),
                steps.isEmpty()
                        ? null
                        : LatencyStats.of(
                                steps.stream().mapToDouble(Double::doubleValue).toArray()),
                steps.isEmpty() ? null : new BenchmarkResult.Throughput(32 / 0.5, 64 / 0.5),
                null,
                null,
                null);
    }

    @Test
    void an_interrupted_run_says_how_many_steps_were_done() {
        List<String> lines = Reports.forwardSummary(
                result(List.of(0.4, 0.6), 100, true), LocalDateTime.of(2026, 1, 2, 3, 4, 5, 6000));
        assertThat(lines.get(0))
                .isEqualTo("2026-01-02 03:04:05.000006: forward across 2 steps, 0.500 +/- 0.100 sec / batch"
                        + " (interrupted after 2 of 100 steps)");
        assertThat(lines).anyMatch(l -> l.contains("64.0 images/s, 128.0 GFLOP/s achieved"));
    }

    @Test
    void an_interrupt_before_the_first_timed_step_still_reports_the_startup() {
        List<String> lines = Reports.forwardSummary(result(List.of(), 100, true), LocalDateTime.now());
        assertThat(lines.get(0)).endsWith("forward interrupted before the first timed step");
        assertThat(lines).anyMatch(l -> l.contains("graph build 1.000 s, session init 2.000 s, first step 3.000 s"));
    }

    /** Pair i's ratio: the network's GFLOP/s in its step i over the ceiling's in its step i. */
    @Test
    void the_ceiling_ratio_is_taken_pair_by_pair() {
        BenchmarkResult.Ceiling c = BenchmarkResult.Ceiling.of(
                "fp32", 32, 200e9, 100, new double[] {1, 2, 4}, new double[] {1, 1, 2, 9}, 3);
        assertThat(c.stepSeconds()).containsExactly(1.0, 1.0, 2.0);
        assertThat(c.ratios()).containsExactly(0.5, 0.25, 0.25);
        assertThat(c.ratio().median()).isEqualTo(0.25);
        assertThat(c.gflopsPerSecond()).isEqualTo(200.0);
        assertThatThrownBy(() -> BenchmarkResult.Ceiling.of("fp32", 32, 1, 1, new double[] {1}, new double[] {1}, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pairs");
    }

    @Test
    void seed_lines_print_every_tenth_step() {
        assertThat(SeedFormat.stepLine(LocalDateTime.of(2018, 5, 6, 9, 52, 35, 813_644_000), 0, 0.4741))
                .isEqualTo("2018-05-06 09:52:35.813644: step 0, duration = 0.474");
        assertThat(IntStream.range(0, 100)
                        .filter(SeedFormat::printsStep)
                        .boxed()
                        .toList())
                .containsExactly(0, 10, 20, 30, 40, 50, 60, 70, 80, 90);
    }

    @Test
    void default_command_is_inserted_before_the_first_forward_option() {
        Set<String> commands = Set.of("forward", "describe", "info");
        assertThat(ResNetBenchCli.withDefaultCommand(commands, "--model", "x"))
                .containsExactly("forward", "--model", "x");
        assertThat(ResNetBenchCli.withDefaultCommand(commands, "--verbose", "-b", "1"))
                .containsExactly("--verbose", "forward", "-b", "1");
        assertThat(ResNetBenchCli.withDefaultCommand(commands, "describe", "--model", "x"))
                .containsExactly("describe", "--model", "x");
        assertThat(ResNetBenchCli.withDefaultCommand(commands, "--help")).containsExactly("--help");
        assertThat(ResNetBenchCli.withDefaultCommand(commands)).isEmpty();
    }
}
