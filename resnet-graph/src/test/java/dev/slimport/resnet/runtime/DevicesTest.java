/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.runtime.Devices.Device;
import dev.slimport.resnet.runtime.Devices.Resolution;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Devices#resolve} on faked device lists and native builds, so every branch, the GPU ones included, is taken
 * on any machine; and the real resolution agrees with what the machine has.
 */
class DevicesTest {
    private static final Device CPU = new Device("/job:localhost/replica:0/task:0/device:CPU:0", "CPU", 268435456);
    private static final Device GPU0 = new Device("/job:localhost/replica:0/task:0/device:GPU:0", "GPU", 15L << 30);
    private static final Device GPU1 = new Device("/job:localhost/replica:0/task:0/device:GPU:1", "GPU", 15L << 30);
    private static final NativeBuild CPU_BUILD = new NativeBuild("linux-x86_64", "tensorflow-core-native.jar");
    private static final NativeBuild GPU_BUILD = new NativeBuild("linux-x86_64-gpu", "tensorflow-core-native-gpu.jar");
    private static final DeviceRequest GPU_0 = DeviceRequest.parse("--device", "gpu:0");
    private static final DeviceRequest GPU_1 = DeviceRequest.parse("--device", "gpu:1");

    @Test
    void aGpuThatIsThereIsUsed() {
        for (DeviceRequest r : List.of(GPU_0, GPU_1)) {
            Resolution res = Devices.resolve(r, List.of(CPU, GPU0, GPU1), GPU_BUILD);
            assertThat(res.used()).isEqualTo(r);
            assertThat(res.fellBack()).isFalse();
            assertThat(res.fallbackReason()).isNull();
        }
        assertThat(Devices.resolve(GPU_0, List.of(CPU, GPU0), GPU_BUILD)
                        .used()
                        .toDeviceSpec()
                        .toString())
                .isEqualTo("/device:GPU:0");
    }

    @Test
    void aGpuIndexOutOfRangeFallsBackNamingTheGpusSeen() {
        Resolution res = Devices.resolve(GPU_1, List.of(CPU, GPU0), GPU_BUILD);
        assertThat(res.used()).isEqualTo(DeviceRequest.CPU);
        assertThat(res.fallbackReason()).isEqualTo("TensorFlow sees 1 GPU(s), so gpu:1 does not exist");
    }

    @Test
    void theCpuBuildFallsBackAndSaysHowToGetTheGpuBuild() {
        Resolution res = Devices.resolve(GPU_0, List.of(CPU), CPU_BUILD);
        assertThat(res.used()).isEqualTo(DeviceRequest.CPU);
        assertThat(res.requested()).isEqualTo(GPU_0);
        assertThat(res.fallbackReason()).contains("CPU build (linux-x86_64)", "-Pgpu", "CUDA 12");
    }

    @Test
    void theGpuBuildWithoutAGpuFallsBackAndPointsAtTheDriverAndLibraries() {
        Resolution res = Devices.resolve(GPU_0, List.of(CPU), GPU_BUILD);
        assertThat(res.used()).isEqualTo(DeviceRequest.CPU);
        assertThat(res.fallbackReason())
                .contains("sees no GPU", "linux-x86_64-gpu", "LD_LIBRARY_PATH")
                .doesNotContain("-Pgpu");
    }

    @Test
    void theCpuIsAlwaysUsedAsAsked() {
        for (List<Device> devices : List.of(List.of(CPU), List.of(CPU, GPU0))) {
            for (NativeBuild build : List.of(CPU_BUILD, GPU_BUILD)) {
                Resolution res = Devices.resolve(DeviceRequest.CPU, devices, build);
                assertThat(res.used()).isEqualTo(DeviceRequest.CPU);
                assertThat(res.fellBack()).isFalse();
            }
        }
    }

    /** On this machine: gpu:0 is used exactly when TensorFlow lists a GPU; the CPU is always listed. */
    @Test
    void theRealResolutionFollowsTheDevicesPresent() {
        List<Device> devices = Devices.list(null);
        assertThat(devices).anyMatch(d -> d.type().equals("CPU"));
        int gpus = Devices.gpuCount(devices);
        Resolution res = Devices.resolve(GPU_0, devices);
        assertThat(res.fellBack()).isEqualTo(gpus == 0);
        assertThat(res.used()).isEqualTo(gpus > 0 ? GPU_0 : DeviceRequest.CPU);
        if (gpus == 0) {
            assertThat(res.fallbackReason()).contains(NativeBuild.detect().classifier());
        }
    }
}
