/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.slim.DataFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one network description: slim's defaults, withers, and errors naming the argument. */
class NetworkSpecTest {
    @Test
    void depthsAndCustomBlocksWithSlimsDefaults() {
        NetworkSpec d152 = NetworkSpec.of(Depth.D152);
        assertThat(d152)
                .isEqualTo(new NetworkSpec(
                        "resnet_v2_152", Depth.D152.blocks(), 0, 224, null, DataFormat.NHWC, Precision.FP32));
        assertThat(ResNetV2.builder(Depth.D152).spec()).isEqualTo(d152);
        assertThat(ResNetV2.builder(Depth.D50.blocks(4)).spec().scope()).isEqualTo(ResNetV2.DEFAULT_SCOPE);
        NetworkSpec s = d152.withNumClasses(10)
                .withImageSize(64)
                .withOutputStride(16)
                .withDataFormat(DataFormat.NCHW)
                .withPrecision(Precision.BF16)
                .withScope("net");
        assertThat(s)
                .isEqualTo(new NetworkSpec("net", Depth.D152.blocks(), 10, 64, 16, DataFormat.NCHW, Precision.BF16));
        ResNetV2.Builder b = s.builder().spec(n -> n.withNumClasses(3));
        assertThat(b.spec()).isEqualTo(s.withNumClasses(3));
        assertThat(b.copy().spec(n -> n.withPrecision(Precision.FP16)).spec().precision())
                .isEqualTo(Precision.FP16);
        assertThat(b.spec().precision()).isEqualTo(Precision.BF16);
    }

    @Test
    void errorsNameTheArgument() {
        NetworkSpec ok = NetworkSpec.of(Depth.D50);
        assertThatThrownBy(() -> NetworkSpec.of(null)).hasMessageStartingWith("depth: must be one of D50");
        assertThatThrownBy(() -> NetworkSpec.custom("x", List.of())).hasMessageStartingWith("blocks:");
        assertThatThrownBy(() -> ok.withScope("a b")).hasMessageContaining("scope");
        assertThatThrownBy(() -> ok.withNumClasses(-1)).hasMessageStartingWith("num_classes: must be >= 0");
        assertThatThrownBy(() -> ok.withImageSize(0)).hasMessage("image_size: must be in 1..8192, got 0");
        assertThatThrownBy(() -> ok.withDataFormat(null)).hasMessageStartingWith("data_format: must be NHWC or NCHW");
        assertThatThrownBy(() -> ok.withPrecision(null))
                .hasMessageStartingWith("precision: must be one of fp32, bf16, fp16");
        assertThatThrownBy(() -> ResNetV2.builder((NetworkSpec) null)).hasMessageStartingWith("spec:");
    }
}
