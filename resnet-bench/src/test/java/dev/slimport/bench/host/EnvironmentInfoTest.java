/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.bench.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvironmentInfoTest {

    @Test
    void cpu_features_come_from_the_first_processor_in_tensorflow_order() {
        EnvironmentInfo cpu = EnvironmentInfo.detect(
                List.of(),
                List.of(
                        "processor\t: 0",
                        "model name\t: Test CPU @ 1GHz",
                        "flags\t\t: fpu avx2 sse4_2 avx512f avx512_bf16 amx_tile",
                        "processor\t: 1",
                        "flags\t\t: fpu"),
                List.of("MemTotal:       16318540 kB", "MemFree:  1 kB", "MemAvailable:    8000000 kB"));
        assertThat(cpu.cpuModel()).isEqualTo("Test CPU @ 1GHz");
        assertThat(cpu.cpuFeatures()).containsExactly("sse4_2", "avx2", "avx512f", "avx512_bf16", "amx_tile");
        assertThat(cpu.hasNativeBf16()).isTrue();
        assertThat(cpu.hasNativeFp16()).isFalse();
        assertThat(cpu.memoryTotalBytes()).isEqualTo(16318540L * 1024);
        assertThat(cpu.memoryAvailableBytes()).isEqualTo(8000000L * 1024);
        EnvironmentInfo unknown = EnvironmentInfo.detect(List.of(), List.of(), List.of());
        assertThat(unknown.cpuModel()).isEqualTo(System.getProperty("os.arch"));
        assertThat(unknown.cpuFeatures()).isEmpty();
        assertThat(unknown.memoryTotalBytes()).isEqualTo(-1);
    }
}
