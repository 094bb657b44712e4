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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tiny run of the issue ({@link TinyRuns#FORWARD}): resnet_v2_50, batch 1, 64x64, 2 warm-up + 3 timed steps. */
class ForwardCommandTest {

    private static final Pattern STEP_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}: step (\\d+), duration = \\d+\\.\\d{3}");
    private static final Pattern ACROSS_LINE =
            Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}: forward across (\\d+) steps,"
                    + " \\d+\\.\\d{3} \\+/- \\d+\\.\\d{3} sec / batch");

    private static String[] tiny(String... more) {
        return TinyRuns.forward(more);
    }

    @Test
    void prints_the_seed_lines_and_the_summary() {
        CliRun run = CliRun.of(tiny());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> lines = run.out().lines().toList();

        List<String> steps =
                lines.stream().filter(l -> STEP_LINE.matcher(l).matches()).toList();
        assertThat(steps).as(run.toString()).hasSize(1);
        assertThat(steps.get(0)).contains(": step 0, duration = ");
        List<String> across =
                lines.stream().filter(l -> ACROSS_LINE.matcher(l).matches()).toList();
        assertThat(across).as(run.toString()).hasSize(1);
        assertThat(across.get(0)).contains("forward across 3 steps");
        assertThat(lines.indexOf(steps.get(0))).isLessThan(lines.indexOf(across.get(0)));

        assertThat(run.out())
                .contains("summary: resnet_v2_50 fp32 NHWC (batch norms folded), batch 1, 64x64, 1000 classes, on cpu")
                .contains("median", "p90", "images/s", "GFLOP/s achieved", "graph build", "session init", "first step")
                .contains("traced step", "graph", "Java overhead", "kernel time");
    }

    /**
     * --no-optimize runs slim's graph: its parameter count is the plain-Java count of slim's variables (moving
     * statistics included); the optimized graph has the same convolutions but no batch-norm variables left to fold,
     * so it has fewer parameters and the same multiply-adds.
     */
    @Test
    void no_optimize_runs_slims_graph_verbatim() throws IOException {
        CliRun plain = CliRun.of(tiny("--format", "json", "--no-trace", "--no-optimize"));
        CliRun folded = CliRun.of(tiny("--format", "json", "--no-trace"));
        assertThat(plain.exitCode()).as(plain.toString()).isZero();
        assertThat(folded.exitCode()).as(folded.toString()).isZero();
        JsonNode p = ResultWriter.MAPPER.readTree(plain.out());
        JsonNode f = ResultWriter.MAPPER.readTree(folded.out());
        assertThat(p.get("config").get("optimized").asBoolean()).isFalse();
        assertThat(p.get("model").get("parameters").asLong())
                .isEqualTo(ReferenceCounts.of(TinyRuns.UNITS, 64, 64, 1000).parameters());
        assertThat(f.get("model").get("parameters").asLong())
                .isLessThan(p.get("model").get("parameters").asLong());
        assertThat(f.get("model").get("multiply_adds_per_image").asLong())
                .isEqualTo(p.get("model").get("multiply_adds_per_image").asLong());
    }

    @Test
    void json_holds_the_configuration_the_environment_and_every_step() throws IOException {
        CliRun run = CliRun.of(tiny("--format", "json", "--no-trace", "--seed", "7"));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode json = ResultWriter.MAPPER.readTree(run.out());

        JsonNode config = json.get("config");
        assertThat(config.get("model").asText()).isEqualTo("resnet_v2_50");
        assertThat(config.get("batch_size").asInt()).isEqualTo(1);
        assertThat(config.get("height").asInt()).isEqualTo(64);
        assertThat(config.get("width").asInt()).isEqualTo(64);
        assertThat(config.get("num_classes").asInt()).isEqualTo(1000);
        assertThat(config.get("warmup").asInt()).isEqualTo(2);
        assertThat(config.get("num_batches").asInt()).isEqualTo(3);
        assertThat(config.get("precision").asText()).isEqualTo("fp32");
        assertThat(config.get("data_format").asText()).isEqualTo("NHWC");
        assertThat(config.get("seed").asLong()).isEqualTo(7);
        assertThat(config.get("device_used").asText()).isEqualTo("cpu");
        assertThat(config.get("optimized").asBoolean()).isTrue();
        assertThat(config.get("mode").asText()).isEqualTo("inference");
        assertThat(config.get("learning_rate").isNull()).isTrue();

        JsonNode env = json.get("environment");
        assertThat(env.get("tf_version").asText()).isEqualTo("2.18.0");
        assertThat(env.get("tf_java_version").asText()).isEqualTo("1.1.0");
        assertThat(env.get("native_classifier").asText()).startsWith("linux-x86_64");
        assertThat(env.get("java_version").asText()).isEqualTo(System.getProperty("java.version"));
        assertThat(env.get("logical_cores").asInt())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(env.get("devices")).isNotEmpty();

        JsonNode timings = json.get("timings");
        assertThat(timings.get("warmup_seconds")).hasSize(2);
        assertThat(timings.get("step_seconds")).hasSize(3);
        double sum = 0;
        double squares = 0;
        for (JsonNode s : timings.get("step_seconds")) {
            assertThat(s.asDouble()).isPositive();
            sum += s.asDouble();
        }
        double mean = sum / 3;
        for (JsonNode s : timings.get("step_seconds")) {
            squares += (s.asDouble() - mean) * (s.asDouble() - mean);
        }
        assertThat(timings.get("first_step_seconds").asDouble())
                .isEqualTo(timings.get("warmup_seconds").get(0).asDouble());
        assertThat(timings.get("graph_build_seconds").asDouble()).isPositive();
        assertThat(timings.get("session_init_seconds").asDouble()).isPositive();
        assertThat(timings.get("interrupted").asBoolean()).isFalse();

        JsonNode summary = json.get("summary");
        assertThat(summary.get("count").asInt()).isEqualTo(3);
        assertThat(summary.get("mean").asDouble()).isCloseTo(mean, within(1e-12));
        assertThat(summary.get("stddev").asDouble()).isCloseTo(Math.sqrt(squares / 3), within(1e-12));
        assertThat(json.get("throughput").get("images_per_second").asDouble()).isCloseTo(1 / mean, within(1e-9));

        long macs = ReferenceCounts.of(TinyRuns.UNITS, 64, 64, 1000).multiplyAdds();
        assertThat(json.get("model").get("multiply_adds_per_image").asLong()).isEqualTo(macs);
        assertThat(json.get("throughput").get("gflops_per_second").asDouble())
                .isCloseTo(2.0 * macs / 1e9 / mean, within(1e-9));
        assertThat(json.get("trace").isNull()).isTrue();
    }

    /**
     * --with-ceiling pairs every timed step with one step of the 3x3 ceiling convolution: the JSON holds the ceiling's
     * steps and, per pair, the network's GFLOP/s (from the reference multiply-add count) over the ceiling's (from the
     * convolution's own count, 2*3*3*256*256*56*56*32), recomputed here from the recorded times.
     */
    @Test
    void with_ceiling_reports_the_ratio_of_each_step_to_the_ceiling_beside_it() throws IOException {
        CliRun run = CliRun.of(tiny("--format", "json", "--no-trace", "--with-ceiling"));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode json = ResultWriter.MAPPER.readTree(run.out());
        JsonNode ceiling = json.get("ceiling");
        assertThat(ceiling.get("precision").asText()).isEqualTo("fp32");
        assertThat(ceiling.get("batch_size").asInt()).isEqualTo(32);
        double convFlop = 2.0 * 3 * 3 * 256 * 256 * 56 * 56 * 32;
        assertThat(ceiling.get("flop_per_step").asDouble()).isEqualTo(convFlop);
        assertThat(ceiling.get("step_seconds")).hasSize(3);
        assertThat(ceiling.get("ratios")).hasSize(3);
        double networkGflop =
                2.0 * ReferenceCounts.of(TinyRuns.UNITS, 64, 64, 1000).multiplyAdds() / 1e9;
        for (int i = 0; i < 3; i++) {
            double network = networkGflop
                    / json.get("timings").get("step_seconds").get(i).asDouble();
            double conv = convFlop / 1e9 / ceiling.get("step_seconds").get(i).asDouble();
            assertThat(ceiling.get("ratios").get(i).asDouble()).isCloseTo(network / conv, within(1e-9));
        }
        assertThat(ceiling.get("ratio").get("count").asInt()).isEqualTo(3);

        CliRun text = CliRun.of(tiny("--no-trace", "--with-ceiling", "--num-batches", "1", "--warmup", "0"));
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out())
                .containsPattern("ceiling +Conv2D 3x3 256->256 56x56 fp32 batch 32, one step after each"
                        + " timed step: median \\d+\\.\\d GFLOP/s; network / ceiling per pair: median \\d+\\.\\d\\d");
    }

    @Test
    void without_with_ceiling_there_is_no_ceiling() throws IOException {
        CliRun run = CliRun.of(tiny("--format", "json", "--no-trace", "--num-batches", "1"));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(ResultWriter.MAPPER.readTree(run.out()).get("ceiling").isNull())
                .isTrue();
        assertThat(run.out()).doesNotContain("one step after each timed step");
    }

    @Test
    void csv_has_one_row_per_step_with_the_configuration(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.csv");
        CliRun run = CliRun.of(tiny("--format", "csv", "--output", file.toString(), "--no-trace", "--quiet"));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> rows = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(rows).hasSize(1 + 2 + 3);
        assertThat(rows.get(0).split(",")).containsExactlyElementsOf(ResultWriter.CSV_COLUMNS);
        int phase = ResultWriter.CSV_COLUMNS.indexOf("phase");
        int model = ResultWriter.CSV_COLUMNS.indexOf("model");
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",");
            assertThat(cells).hasSize(ResultWriter.CSV_COLUMNS.size());
            assertThat(cells[model]).isEqualTo("resnet_v2_50");
        }
        assertThat(rows.subList(1, 3))
                .allSatisfy(r -> assertThat(r.split(",")[phase]).isEqualTo("warmup"));
        assertThat(rows.subList(3, 6))
                .allSatisfy(r -> assertThat(r.split(",")[phase]).isEqualTo("step"));
        assertThat(run.out()).contains("forward across 3 steps").doesNotContain(": step 0, duration");
    }

    @Test
    void bf16_reports_the_logits_difference_from_fp32_and_plots(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("run.json");
        Path png = dir.resolve("steps.png");
        Path svg = dir.resolve("cmp.svg");
        CliRun run = CliRun.of(tiny(
                "--precision",
                "bf16",
                "--input",
                "fixed",
                "--no-trace",
                "--format",
                "json",
                "--output",
                json.toString(),
                "--plot",
                png.toString()));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode check = ResultWriter.MAPPER.readTree(json.toFile()).get("precision_check");
        assertThat(check.get("reference").asText()).isEqualTo("fp32");
        assertThat(check.get("images").asInt()).isEqualTo(1);
        double relative = check.get("relative_difference").asDouble();
        assertThat(relative).isGreaterThan(0).isLessThan(0.05);
        assertThat(check.get("max_abs_difference").asDouble())
                .isCloseTo(relative * check.get("max_abs_reference").asDouble(), within(1e-9));
        assertThat(run.out()).contains("bf16 vs fp32");

        byte[] pngBytes = Files.readAllBytes(png);
        assertThat(Arrays.copyOf(pngBytes, 8)).containsExactly(0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a);

        CliRun plot = CliRun.of("plot", json.toString(), json.toString(), "--output", svg.toString());
        assertThat(plot.exitCode()).as(plot.toString()).isZero();
        assertThat(Files.readString(svg)).contains("<svg").contains("seconds / batch");
    }

    @Test
    void forward_is_the_default_command() {
        List<String> args = new ArrayList<>(List.of("--verbose"));
        args.addAll(TinyRuns.FORWARD);
        args.addAll(List.of("--no-trace", "--quiet"));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("forward across 3 steps").contains("summary: resnet_v2_50 fp32");
    }
}
