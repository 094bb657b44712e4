/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slimport.bench.CliRun;
import dev.slimport.bench.Host;
import dev.slimport.bench.engine.Int8Support;
import dev.slimport.bench.host.EnvironmentInfo;
import dev.slimport.bench.result.ResultWriter;
import dev.slimport.resnet.runtime.NativeBuild;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InfoAndCeilingTest {

    /** The build line and the device list follow this machine: the CPU build or the CUDA one, and its GPUs if any. */
    @Test
    void info_reports_versions_build_and_devices() throws IOException {
        String classifier = Host.nativeJarClassifier();
        CliRun text = CliRun.of("info");
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out())
                .contains("TensorFlow        2.18.0 (TensorFlow Java 1.1.0)")
                .contains("native build      " + classifier + (Host.gpuBuild() ? " (GPU build)" : " (CPU build)"))
                .contains("devices           " + Host.DEVICES.size() + " (" + Host.gpus() + " GPU)")
                .contains("/device:CPU:0");
        for (int i = 0; i < Host.gpus(); i++) {
            assertThat(text.out()).contains("/device:GPU:" + i + "  GPU");
        }

        CliRun json = CliRun.of("info", "--format", "json");
        JsonNode env = ResultWriter.MAPPER.readTree(json.out());
        assertThat(env.get("tf_version").asText()).isEqualTo("2.18.0");
        assertThat(env.get("native_classifier").asText()).isEqualTo(classifier);
        List<String> types = new ArrayList<>();
        env.get("devices").forEach(d -> types.add(d.get("type").asText()));
        assertThat(types).contains("CPU");
        assertThat(types.stream().filter("GPU"::equals).count()).isEqualTo(Host.gpus());
        if (!Host.gpuBuild()) {
            assertThat(types).as("the CPU build sees no GPU").doesNotContain("GPU");
        }
    }

    /** The GPU branch of the report, shown with a fake CUDA build and a fake GPU on any machine. */
    @Test
    void info_text_shows_a_gpu_build_and_its_gpus() {
        EnvironmentInfo env = EnvironmentInfo.detect(List.of(Host.CPU0, Host.fakeGpu(0)));
        List<String> lines = InfoCommand.text(env, new NativeBuild("linux-x86_64-gpu", "fake.jar"), 0, 0);
        assertThat(lines)
                .contains(
                        "native build      linux-x86_64-gpu (GPU build), from fake.jar",
                        "devices           2 (1 GPU)",
                        "  /job:localhost/replica:0/task:0/device:GPU:0  GPU  1.0 GiB");
        List<String> cpu = InfoCommand.text(
                EnvironmentInfo.detect(List.of(Host.CPU0)), new NativeBuild("linux-x86_64", null), 0, 0);
        assertThat(cpu).contains("native build      linux-x86_64 (CPU build)", "devices           1 (0 GPU)");
    }

    @Test
    void ceiling_measures_fp32_and_bf16_conv_rates() throws IOException {
        CliRun run =
                CliRun.of("ceiling", "--batch-size", "1", "--warmup", "0", "--num-batches", "2", "--format", "json");
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
            double mean = (m.get("step_seconds").get(0).asDouble()
                            + m.get("step_seconds").get(1).asDouble())
                    / 2;
            assertThat(m.get("gflops_per_second").asDouble()).isCloseTo(flop / mean / 1e9, within(1e-6));
            assertThat(m.get("kernel").asText()).contains("Conv2D");
        }
    }

    /**
     * {@code --precision int8}: QuantizeV2 + the fused quantized convolution run on oneDNN's kernel, with the float
     * convolution's FLOP count; a missing quantized op would be refused before anything is built.
     */
    @Test
    void ceiling_int8_runs_the_quantized_convolution() throws IOException {
        assertThat(Int8Support.missingOps()).isEmpty();
        CliRun run = CliRun.of(
                "ceiling",
                "--precision",
                "int8",
                "--batch-size",
                "1",
                "--warmup",
                "0",
                "--num-batches",
                "1",
                "--format",
                "json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode m = ResultWriter.MAPPER.readTree(run.out()).get("measurements");
        assertThat(m).hasSize(1);
        assertThat(m.get(0).get("precision").asText()).isEqualTo("int8");
        assertThat(m.get(0).get("flop_per_step").asDouble()).isEqualTo(2.0 * 3 * 3 * 256 * 256 * 56 * 56);
        assertThat(m.get(0).get("kernel").asText()).contains("QuantizedConv2D");
    }
}
