/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slimport.bench.result.ResultWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forward --precision int8} on resnet_v2_50 at 64×64, batch 2: the folded fp32 graph calibrated and quantized,
 * the int8 graph timed, its logits compared with the fp32 graph's of the same weights, paired with the int8 ceiling.
 */
class Int8ForwardTest {

    /**
     * resnet_v2_50 has 16 bottleneck units, each with conv1, conv2 and conv3, and 4 projection shortcuts (the first
     * unit of each block): 52 convolutions that the quantization rewrites; the root conv1 and the logits stay float.
     */
    private static final int BOTTLENECK_CONVS = 16 * 3 + 4;

    @Test
    void int8_runs_the_quantized_graph_and_compares_its_logits_with_fp32(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.json");
        List<String> args = TinyRuns.command(
                "forward",
                TinyRuns.resnet50(2, 64, 0, 1),
                "--precision",
                "int8",
                "--calibration-batches",
                "2",
                "--num-classes",
                "10",
                "--with-ceiling",
                "--format",
                "json",
                "--output",
                file.toString());
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode json = ResultWriter.MAPPER.readTree(file.toFile());
        JsonNode config = json.get("config");
        assertThat(config.get("precision").asText()).isEqualTo("int8");
        assertThat(config.get("optimized").asBoolean()).isTrue();
        assertThat(config.get("calibration").asText())
                .isEqualTo("synthetic uniform [0, 1), seed 1: 2 batches of 2 (4 images)");
        JsonNode check = json.get("precision_check");
        assertThat(check.get("images").asInt()).isEqualTo(2);
        // int8 rounds: the logits differ from fp32's (an unquantized graph would give 0), and stay finite
        assertThat(check.get("max_abs_difference").asDouble()).isPositive().isFinite();
        assertThat(json.get("ceiling").get("precision").asText()).isEqualTo("int8");
        // the trace shows the quantized kernels running
        assertThat(json.get("trace").toString()).contains("QuantizedConv2DWithBiasAndReluAndRequantize");
        // stdout keeps the text report
        assertThat(run.out())
                .contains("summary: resnet_v2_50 int8 NHWC (batch norms folded), batch 2")
                .containsPattern("int8 vs fp32   max \\|logit diff\\| .*; top-1 agrees on [012]/2 images")
                .contains("int8           calibrated on synthetic uniform [0, 1), seed 1: 2 batches of 2 (4 images),"
                        + " min/max ranges")
                .contains("int8 convs     " + BOTTLENECK_CONVS + " of " + (BOTTLENECK_CONVS + 2) + " convolutions int8")
                .containsPattern("left float     1: .*\\(resnet_v2_50/conv1\\)")
                .containsPattern("left float     1: .*\\(resnet_v2_50/logits\\)")
                .contains("ceiling        QuantizeV2 + QuantizedConv2D 3x3 256->256 56x56 int8 batch 32");
    }
}
