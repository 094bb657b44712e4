/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.resnet.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.ResNetModel;
import dev.slimport.resnet.net.ResNetV2;
import dev.slimport.resnet.slim.ModelWeights;
import dev.slimport.resnet.testing.Graphs;
import dev.slimport.resnet.testing.Nhwc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** resnet_v2_50 at full depth, seeded weights, small images: the int8 graph builds, runs and agrees with fp32. */
class Int8FullDepthTest {
    static final int SIZE = 64;
    static final int CLASSES = 100;

    @Test
    void resnetV2_50Int8AgreesWithFp32OnSeededInput() {
        ResNetV2.Builder network = ResNetV2.builder(Depth.D50).isTraining(false).spec(n -> n.withNumClasses(CLASSES));
        ModelWeights weights = InferenceGraph.initialWeights(network, SIZE, SIZE);
        List<Nhwc> calibration =
                List.of(Nhwc.uniform(1, -1, 1, 8, SIZE, SIZE, 3), Nhwc.uniform(2, -1, 1, 8, SIZE, SIZE, 3));
        List<Nhwc> held = List.of(Nhwc.uniform(3, -1, 1, 16, SIZE, SIZE, 3));
        try (Graph g = new Graph();
                Session s = new Session(g);
                Graph target = new Graph()) {
            Ops tf = Ops.create(g);
            InferenceGraph ig =
                    InferenceGraph.foldBatchNorms(network, weights, tf, ResNetV2.imagesPlaceholder(tf, -1, SIZE, SIZE));
            ResNetModel folded = ig.model();
            s.initialize();
            ig.loadWeights(s);
            List<TFloat32> batches = new ArrayList<>();
            Int8Quantization.Calibration cal;
            try {
                calibration.forEach(b -> batches.add(b.toTensor()));
                cal = Int8Quantization.calibrate(s, folded, batches, Int8Quantization.RangeMethod.MIN_MAX);
            } finally {
                batches.forEach(TFloat32::close);
            }
            Int8Graph int8 = Int8Quantization.quantize(s, folded, cal, target, Int8Quantization.RootConvolution.INT8);
            // the root conv1, 16 units × (conv1, conv2, conv3) and the 4 projection shortcuts; the logits float
            assertThat(int8.stats().quantized()).isEqualTo(1 + 16 * 3 + 4);
            long logits = 2048L * CLASSES;
            long total = folded.multiplyAdds().orElseThrow();
            assertThat(int8.stats().floatMultiplyAdds()).isEqualTo(logits);
            assertThat(int8.stats().int8MultiplyAdds()).isEqualTo(total - logits);
            try (Graph floatRoot = new Graph()) {
                Int8Graph.Stats f =
                        Int8Quantization.quantize(s, folded, cal, floatRoot).stats();
                long root = 7L * 7 * 3 * 64 * (SIZE / 2) * (SIZE / 2);
                assertThat(f.quantized()).isEqualTo(16 * 3 + 4);
                assertThat(f.floatMultiplyAdds()).isEqualTo(root + logits);
            }
            try (Session q = new Session(target, Int8Graph.sessionConfig(null))) {
                int agree = 0;
                int images = 0;
                double worstRelative = 0;
                for (Nhwc batch : concat(calibration, held)) {
                    Nhwc fp32 = Graphs.run(
                            s, Map.of(folded.images(), batch), folded.logits().orElseThrow());
                    Nhwc i8 = Graphs.run(q, Map.of(int8.images(), batch), int8.logits());
                    for (int b = 0; b < batch.dim(0); b++) {
                        agree += argmax(fp32, b) == argmax(i8, b) ? 1 : 0;
                        images++;
                    }
                    worstRelative = Math.max(worstRelative, i8.maxAbsDiff(fp32) / fp32.maxAbs());
                    for (float v : i8.data()) {
                        assertThat(v).isFinite();
                    }
                }
                System.out.printf(
                        "resnet_v2_50 %dx%d: int8 top-1 agrees with fp32 on %d of %d images; max |logit diff| / max |logit|"
                                + " %.4f; int8 multiply-adds %.4f%n",
                        SIZE, SIZE, agree, images, worstRelative, int8.stats().int8Fraction());
                assertThat(agree).isGreaterThan(images / 2);
            }
        }
    }

    private static List<Nhwc> concat(List<Nhwc> a, List<Nhwc> b) {
        List<Nhwc> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static int argmax(Nhwc logits, int row) {
        int c = logits.dim(1);
        int best = 0;
        for (int k = 1; k < c; k++) {
            if (logits.data()[row * c + k] > logits.data()[row * c + best]) {
                best = k;
            }
        }
        return best;
    }
}
