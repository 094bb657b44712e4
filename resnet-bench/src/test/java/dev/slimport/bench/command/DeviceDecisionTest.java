/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.bench.Host;
import dev.slimport.bench.engine.ModelSpec;
import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.runtime.DeviceRequest;
import dev.slimport.resnet.runtime.Devices;
import dev.slimport.resnet.slim.DataFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.DeviceSpec;

/**
 * The CLI's device decisions ({@link SharedOptions.Session#resolve}, {@link ForwardCommand#checkDataFormat}) on fake device
 * lists: the GPU branches run on a machine without a GPU. (Which native build is in use is not faked here: the
 * reason given for a machine without any GPU is the real build's, see {@link Host#missingGpuReason}.)
 */
class DeviceDecisionTest {
    private static final List<Devices.Device> CPU_ONLY = List.of(Host.CPU0);
    private static final List<Devices.Device> ONE_GPU = List.of(Host.CPU0, Host.fakeGpu(0));

    private final List<String> warnings = new ArrayList<>();

    private static SharedOptions.Session options(String device, boolean strict) {
        SharedOptions.Session o = new SharedOptions.Session();
        o.device = DeviceRequest.parse("--device", device);
        o.strictDevice = strict;
        return o;
    }

    @Test
    void a_gpu_that_is_there_is_used_without_a_warning_also_with_strict_device() {
        for (boolean strict : new boolean[] {false, true}) {
            Devices.Resolution r = options("gpu", strict).resolve(ONE_GPU, warnings::add);
            assertThat(r.fellBack()).isFalse();
            assertThat(r.used()).isEqualTo(new DeviceRequest(DeviceSpec.DeviceType.GPU, 0));
            assertThat(r.used().toDeviceSpec().toString()).isEqualTo("/device:GPU:0");
        }
        assertThat(warnings).isEmpty();
    }

    @Test
    void a_gpu_index_beyond_the_gpus_seen_falls_back_with_a_warning_or_fails_with_strict_device() {
        Devices.Resolution r = options("gpu:1", false).resolve(ONE_GPU, warnings::add);
        assertThat(r.used()).isEqualTo(DeviceRequest.CPU);
        assertThat(warnings)
                .containsExactly("--device gpu:1 is not available, running on the CPU: TensorFlow sees 1"
                        + " GPU(s), so gpu:1 does not exist");
        assertThatThrownBy(() -> options("gpu:1", true).resolve(ONE_GPU, warnings::add))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "--device gpu:1: TensorFlow sees 1 GPU(s), so gpu:1 does not exist; without --strict-device the"
                                + " run falls back to the CPU");
    }

    @Test
    void no_gpu_at_all_falls_back_naming_the_build() {
        Devices.Resolution r = options("gpu", false).resolve(CPU_ONLY, warnings::add);
        assertThat(r.used()).isEqualTo(DeviceRequest.CPU);
        String reason = Host.gpuBuild()
                ? "TensorFlow sees no GPU (GPU build " + Host.nativeJarClassifier()
                : "the TensorFlow native library in use is the CPU build (" + Host.nativeJarClassifier() + ")";
        assertThat(warnings)
                .singleElement()
                .asString()
                .startsWith("--device gpu:0 is not available, running on the CPU: " + reason);
        assertThat(options("cpu", true).resolve(CPU_ONLY, warnings::add).used()).isEqualTo(DeviceRequest.CPU);
    }

    @Test
    void nchw_runs_on_a_gpu_and_is_refused_on_the_cpu() {
        ModelSpec nchw = new ModelSpec(NetworkSpec.of(Depth.D50).withDataFormat(DataFormat.NCHW), 1, 64, 64, 0, true);
        ForwardCommand.checkDataFormat(nchw, true);
        assertThatThrownBy(() -> ForwardCommand.checkDataFormat(nchw, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--data-format NCHW: not on a CPU");
        ModelSpec nhwc = new ModelSpec(NetworkSpec.of(Depth.D50), 1, 64, 64, 0, true);
        ForwardCommand.checkDataFormat(nhwc, false);
    }
}
