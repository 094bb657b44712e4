/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class InfoAndCeilingTest {

  @Test
  void info_reports_versions_build_and_devices() throws IOException {
    CliRun text = CliRun.of("info");
    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.out()).contains("TensorFlow        2.18.0 (TensorFlow Java 1.1.0)")
        .contains("native build      linux-x86_64 (CPU build)")
        .contains("/device:CPU:0");

    CliRun json = CliRun.of("info", "--format", "json");
    JsonNode env = ResultWriter.MAPPER.readTree(json.out());
    assertThat(env.get("tf_version").asText()).isEqualTo("2.18.0");
    assertThat(env.get("native_classifier").asText()).isEqualTo("linux-x86_64");
    assertThat(env.get("devices").get(0).get("type").asText()).isEqualTo("CPU");
  }

  @Test
  void ceiling_measures_fp32_and_bf16_conv_rates() throws IOException {
    CliRun run = CliRun.of("ceiling", "--batch-size", "1", "--warmup", "0", "--num-batches", "2", "--format", "json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    JsonNode result = ResultWriter.MAPPER.readTree(run.out());
    JsonNode measurements = result.get("measurements");
    assertThat(measurements).hasSize(2);
    assertThat(measurements.get(0).get("precision").asText()).isEqualTo("fp32");
    assertThat(measurements.get(1).get("precision").asText()).isEqualTo("bf16");
    double flop = 2.0 * 3 * 3 * 256 * 256 * 56 * 56;
    for (JsonNode m : measurements) {
      assertThat(m.get("flop_per_step").asDouble()).isEqualTo(flop);
      assertThat(m.get("step_seconds")).hasSize(2);
      double mean = (m.get("step_seconds").get(0).asDouble() + m.get("step_seconds").get(1).asDouble()) / 2;
      assertThat(m.get("gflops_per_second").asDouble()).isCloseTo(flop / mean / 1e9, within(1e-6));
      assertThat(m.get("kernel").asText()).contains("Conv2D");
    }
  }
}
