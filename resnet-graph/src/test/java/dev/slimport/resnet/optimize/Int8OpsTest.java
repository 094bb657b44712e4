/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.testing.Nhwc;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Int8Ops' ops compute {@link Int8Reference}'s arithmetic on the TF natives. */
class Int8OpsTest {

    @Test
    void filterIsQuantizedSymmetricallyPerOutputChannel() {
        float[] w = {0.5f, -2f, 0.25f, 1f, -0.125f, 0f};
        Int8Ops.QuantizedFilter q = Int8Ops.quantizeFilter(w, Shape.of(1, 1, 3, 2));
        assertThat(q.maxAbs()).containsExactly(0.5f, 2f);
        // channel 0: 0.5, 0.25, -0.125 of 0.5 -> 127, 64 (63.5 to even), -32 (31.75); channel 1: -2, 1, 0 of 2
        assertThat(q.values()).containsExactly((byte) 127, (byte) -127, (byte) 64, (byte) 64, (byte) -32, (byte) 0);
        assertThat(q.dequantized(1)).isEqualTo(-2.0);
    }

    @Test
    void aZeroChannelGetsAFiniteRange() {
        Int8Ops.QuantizedFilter q = Int8Ops.quantizeFilter(new float[] {1f, 0f}, Shape.of(1, 1, 1, 2));
        assertThat(q.maxAbs()[1]).isEqualTo(1e-3f);
        assertThat(q.values()[1]).isZero();
    }

    @Test
    void badArgumentsAreRefusedByName() {
        assertThatThrownBy(() -> Int8Ops.quantizeFilter(new float[3], Shape.of(1, 1, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hwio");
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            assertThatThrownBy(() -> Int8Ops.qint8Constant(tf, "c", new byte[3], Shape.of(2, 2)))
                    .hasMessageContaining("values");
            assertThatThrownBy(() -> Int8Ops.quantizeV2(tf, "q", tf.constant(1f), 0f))
                    .hasMessageContaining("max");
        }
    }

    /** mode, stride, rate, explicit pad: none, a quint8 Pad op then VALID, or padding_list with VALID */
    @ParameterizedTest
    @CsvSource({
        "relu, 1, 1, none",
        "relu, 2, 1, op",
        "relu, 2, 1, list",
        "relu, 1, 2, none",
        "qint8, 1, 1, none",
        "qint8, 2, 1, none",
        "qint8, 2, 1, list"
    })
    void convolutionMatchesTheSimulationExactly(String mode, int stride, int rate, String pad) {
        boolean explicitPad = !pad.equals("none");
        int n = 2, h = 9, w = 8, c = 5, k = 6;
        Random r = new Random(7);
        Nhwc x = Nhwc.uniform(3, -0.4f, 2f, n, h, w, c);
        float[] filter = new float[3 * 3 * c * k];
        for (int i = 0; i < filter.length; i++) {
            filter[i] = (float) r.nextGaussian() * (1 + i % k) * 0.1f;
        }
        float[] bias = new float[k];
        for (int i = 0; i < k; i++) {
            bias[i] = r.nextFloat() - 0.5f;
        }
        Shape fs = Shape.of(3, 3, c, k);
        Int8Ops.QuantizedFilter qf = Int8Ops.quantizeFilter(filter, fs);
        float inRange = 1.5f;
        float outRange = 2.5f;
        boolean relu = mode.equals("relu");
        float[] got;
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            var images = tf.placeholder(TFloat32.class);
            Int8Ops.Quantized q = Int8Ops.quantizeV2(tf, "q", images, inRange);
            if (pad.equals("op")) {
                Output<?> padded = tf.scope()
                        .opBuilder("Pad", "pad")
                        .addInput(q.value())
                        .addInput(tf.constant(new int[][] {{0, 0}, {1, 1}, {1, 1}, {0, 0}})
                                .asOutput())
                        .build()
                        .output(0);
                q = new Int8Ops.Quantized(padded, q.min(), q.max());
            }
            Output<?> fc = Int8Ops.qint8Constant(tf, "filter", qf.values(), fs);
            Int8Ops.Quantized conv = Int8Ops.quantizedConv2d(
                    tf,
                    "conv",
                    q,
                    fc,
                    qf,
                    tf.constant(bias),
                    stride,
                    rate,
                    explicitPad ? "VALID" : "SAME",
                    pad.equals("list") ? new long[] {0, 0, 1, 1, 1, 1, 0, 0} : new long[0],
                    relu ? Int8Ops.ConvOutput.QUINT8_RELU : Int8Ops.ConvOutput.QINT8,
                    outRange);
            Output<TFloat32> out = Int8Ops.dequantize(tf, "dq", conv);
            try (TFloat32 in = x.toTensor();
                    TFloat32 res = (TFloat32)
                            s.runner().feed(images, in).fetch(out).run().get(0)) {
                got = Nhwc.of(res).data();
            }
        }
        Int8Reference.IntMap qin = Int8Reference.quantize(x.data(), n, h, w, c, inRange);
        if (explicitPad) {
            qin = Int8Reference.pad(qin, 1, 1);
        }
        Int8Reference.IntMap qout = Int8Reference.conv(
                qin, inRange, qf.values(), qf.maxAbs(), 3, 3, bias, stride, rate, !explicitPad, relu, !relu, outRange);
        float[] want = Int8Reference.dequantize(qout, outRange, !relu);
        assertThat(got).hasSize(want.length);
        double step = outRange / (relu ? 255.0 : 127.0);
        int saturated = 0;
        for (int i = 0; i < want.length; i++) {
            assertThat(Math.abs(got[i] - want[i])).as("element %d", i).isLessThan((float) (1e-4 * step));
            if (Math.abs(want[i]) >= outRange - 1e-6) {
                saturated++;
            }
        }
        // the case exercises both rounding inside the range and saturation at its ends
        assertThat(saturated).isBetween(1, want.length / 4);
    }
}
