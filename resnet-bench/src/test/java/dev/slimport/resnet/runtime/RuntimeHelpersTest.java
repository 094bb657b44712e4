/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.bench.Host;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.DeviceSpec;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.OptimizerOptions;

class RuntimeHelpersTest {

    @Test
    void device_requests_parse_cpu_gpu_and_gpu_n() {
        assertThat(DeviceRequest.parse("--device", "cpu")).isEqualTo(DeviceRequest.CPU);
        assertThat(DeviceRequest.parse("--device", "GPU")).isEqualTo(new DeviceRequest(DeviceSpec.DeviceType.GPU, 0));
        assertThat(DeviceRequest.parse("--device", "gpu:3").index()).isEqualTo(3);
        assertThat(DeviceRequest.parse("--device", "/device:GPU:1").toString()).isEqualTo("gpu:1");
        assertThat(DeviceRequest.parse("--device", "gpu:2").toDeviceSpec().toString())
                .isEqualTo("/device:GPU:2");
        for (String bad : new String[] {"tpu", "gpu:-1", "gpu:x", "cpu:1", "", "gpu:1:2"}) {
            assertThatThrownBy(() -> DeviceRequest.parse("--device", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--device: unknown device '" + bad + "'; allowed: cpu, gpu, gpu:N (N = 0, 1, ...)");
        }
    }

    @Test
    void a_missing_gpu_resolves_to_the_cpu_with_a_reason() {
        List<Devices.Device> cpuOnly =
                List.of(new Devices.Device("/job:localhost/replica:0/task:0/device:CPU:0", "CPU", 0));
        Devices.Resolution r = Devices.resolve(DeviceRequest.parse("d", "gpu"), cpuOnly);
        assertThat(r.fellBack()).isTrue();
        assertThat(r.used()).isEqualTo(DeviceRequest.CPU);
        assertThat(r.fallbackReason()).isNotBlank();
        List<Devices.Device> oneGpu = List.of(
                cpuOnly.get(0), new Devices.Device("/job:localhost/replica:0/task:0/device:GPU:0", "GPU", 1L << 30));
        assertThat(Devices.resolve(DeviceRequest.parse("d", "gpu:0"), oneGpu).fellBack())
                .isFalse();
        assertThat(Devices.resolve(DeviceRequest.parse("d", "gpu:1"), oneGpu).fallbackReason())
                .contains("sees 1 GPU(s), so gpu:1 does not exist");
    }

    @Test
    void this_machine_lists_its_cpu_and_the_cpu_build() {
        List<Devices.Device> devices = Devices.list(SessionConfigs.defaults().toConfigProto());
        assertThat(devices).anyMatch(d -> d.type().equals("CPU") && d.name().endsWith("/device:CPU:0"));
        NativeBuild build = NativeBuild.detect();
        assertThat(build.classifier())
                .as("the classifier of the tensorflow-core-native jar on the class path")
                .isEqualTo(Host.nativeJarClassifier());
        assertThat(build.isGpuBuild()).isEqualTo(Host.gpuBuild());
        if (!build.isGpuBuild()) {
            assertThat(Devices.gpuCount(devices))
                    .as("GPUs seen by the CPU build")
                    .isZero();
        }
    }

    @Test
    void session_configs_become_a_config_proto() {
        ConfigProto p =
                SessionConfigs.defaults().withThreads(2, 1).withXla(true).toConfigProto();
        assertThat(p.getIntraOpParallelismThreads()).isEqualTo(2);
        assertThat(p.getInterOpParallelismThreads()).isEqualTo(1);
        assertThat(p.getAllowSoftPlacement()).isTrue();
        assertThat(p.getGpuOptions().getAllowGrowth()).isTrue();
        assertThat(p.getGraphOptions().getOptimizerOptions().getGlobalJitLevel())
                .isEqualTo(OptimizerOptions.GlobalJitLevel.ON_1);
        assertThat(SessionConfigs.defaults().toConfigProto().hasGraphOptions()).isFalse();
        assertThatThrownBy(() -> SessionConfigs.defaults().withThreads(-1, 0))
                .hasMessageContaining("intraOpThreads: must be >= 0");
    }
}
