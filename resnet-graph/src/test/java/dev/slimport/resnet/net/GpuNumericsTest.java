/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slimport.resnet.runtime.DeviceRequest;
import dev.slimport.resnet.runtime.Devices;
import dev.slimport.resnet.slim.DataFormat;
import dev.slimport.resnet.testing.Graphs;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.RoundOff;
import dev.slimport.resnet.testing.SmallNets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;

/**
 * The GPU configuration (NCHW, float16, {@code /device:GPU:0}, no soft placement, so nothing silently runs on the
 * CPU) against the CPU's NHWC float32 graph on the same weights (slim's small net, every variable randomized so batch
 * norm is not the identity). Runs only where TensorFlow sees a GPU:
 *
 * <pre>{@code ./mvnw -B -Pgpu -pl resnet-graph verify -Dgroups=gpu -Dsurefire.excludedGroups=soak}</pre>
 *
 * (the {@code gpu} profile swaps in TensorFlow's CUDA natives; CUDA 12.5 and cuDNN 9.3 must be on the host). Without a
 * GPU the assumption skips the tests, in the CPU build as well.
 */
@Tag("gpu")
class GpuNumericsTest {

    @BeforeAll
    static void aGpuIsVisible() {
        assumeTrue(Devices.gpuCount(Devices.list(null)) > 0, "TensorFlow sees no GPU here");
    }

    @ParameterizedTest
    @ValueSource(strings = {"float16", "float32"})
    void nchwGpuLogitsMatchTheCpuNhwcFloat32Graph(String precision) {
        Precision type = precision.equals("float16") ? Precision.FP16 : Precision.FP32;
        Nhwc images = Nhwc.uniform(21, -1, 1, 4, 64, 48, 3);
        Nhwc cpu = logits(images, DataFormat.NHWC, Precision.FP32, null);
        Nhwc gpu = logits(images, DataFormat.NCHW, type, DeviceRequest.parse("device", "gpu:0"));
        assertThat(cpu.maxAbs()).isGreaterThan(0.01f);
        // float16: three roundings per layer (input, filter, output) on the deepest path plus accumulation order;
        // float32: cuDNN may round to TF32 (the same u = 2^-11) for inputs and filters, two roundings per layer
        double bound = type == Precision.FP16
                ? DevicePlacementTest.float16Bound()
                : RoundOff.gamma(2 * DevicePlacementTest.SMALL_NET_LAYERS, RoundOff.FLOAT16)
                        + RoundOff.twoSums(DevicePlacementTest.SMALL_NET_FAN_INS, 1, RoundOff.FLOAT32);
        assertThat(gpu.maxAbsDiff(cpu))
                .as("%s NCHW on the GPU vs float32 NHWC on the CPU", precision)
                .isLessThan((float) (bound * Math.max(1f, cpu.maxAbs())));
    }

    private static Nhwc logits(Nhwc images, DataFormat format, Precision type, DeviceRequest device) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            ResNetV2.Builder b = ResNetV2.builder(SmallNets.small())
                    .isTraining(false)
                    .spec(n -> n.withNumClasses(4))
                    .seed(5)
                    .spec(n -> n.withDataFormat(format).withPrecision(type));
            Ops placed = device == null ? tf : tf.withDevice(device.toDeviceSpec());
            ResNetModel m = b.build(placed, ResNetV2.imagesPlaceholder(tf, 4, 64, 48));
            try (Session s = new Session(
                    g, ConfigProto.newBuilder().setAllowSoftPlacement(false).build())) {
                s.initialize();
                Graphs.randomize(s, tf, m.variables(), 31);
                return Graphs.run(s, Map.of(m.images(), images), m.logits().orElseThrow());
            }
        }
    }
}
