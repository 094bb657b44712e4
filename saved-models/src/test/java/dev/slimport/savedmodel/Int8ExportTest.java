/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.net.GraphStats;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;

/**
 * The int8 export of slim's tiny net (10 classes, 32×32, seeded, synthetic calibration): a SavedModel without
 * variables whose convolutions are oneDNN's quantized ops. The reference of the reload is an int8 model built here
 * independently of the export, from the same seed and calibration set: the reloaded SavedModel must reproduce it
 * exactly, on a batch the export never saw, through both signatures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Int8ExportTest {
    private static final int CLASSES = 10;
    private static final long SEED = 3;

    private Path dir;
    private ExportSpec spec;
    private ExportResult exported;

    @BeforeAll
    void exportInt8(@TempDir Path shared) {
        dir = shared;
        spec = ExportSpec.of(TestNets.tinyNet(CLASSES), dir.resolve("int8"))
                .withSeed(SEED)
                .withInt8(true, null, 2);
        exported = SavedModels.export(spec);
    }

    /** The int8 model of the same seed and calibration, built in memory: verbatim, folded, quantized. */
    private InferenceModel inMemoryInt8() {
        try (InferenceModel plain = InferenceModel.build(spec.network(), SEED, false)) {
            plain.initialize();
            try (InferenceModel folded = InferenceModel.buildFolded(spec.network(), false, plain.weights())) {
                folded.initialize();
                return InferenceModel.quantize(folded, spec.calibrationSet());
            }
        }
    }

    @Test
    void the_export_holds_no_variables_and_runs_the_quantized_convolutions() throws Exception {
        assertThat(exported.variableCount()).isZero();
        assertThat(Files.exists(exported.target().resolve(SavedModelInfo.VARIABLES_PREFIX + ".index")))
                .isFalse();
        SavedModelInfo info = SavedModelInfo.read(exported.target());
        assertThat(info.metaGraph(List.of(ServingSignature.TAG)).hasVariables()).isFalse();
        SavedModel pb;
        try (InputStream in = Files.newInputStream(exported.target().resolve(SavedModelInfo.SAVED_MODEL_PB))) {
            pb = SavedModel.parseFrom(in);
        }
        List<NodeDef> nodes = pb.getMetaGraphs(0).getGraphDef().getNodeList();
        long quantizedConvs = nodes.stream()
                .filter(n -> n.getOp().startsWith("QuantizedConv2D"))
                .count();
        ExportResult.Quantization q = exported.quantization().orElseThrow();
        // the tiny net is resnet_v2_50's layout: 16 units x (conv1, conv2, conv3) + 4 projection shortcuts
        assertThat(q.quantized()).isEqualTo(16 * 3 + 4);
        assertThat(quantizedConvs).isEqualTo(q.quantized());
        assertThat(q.convolutions()).isEqualTo(16 * 3 + 4 + 2);
        assertThat(nodes.stream()
                        .noneMatch(n ->
                                n.getOp().startsWith("Variable") || n.getOp().equals("VarHandleOp")))
                .isTrue();
        assertThat(exported.signature().key()).isEqualTo(ServingSignature.KEY);
        assertThat(exported.bytesSignature().key()).isEqualTo(ServingSignature.BYTES_KEY);
        // loaders know it for int8 (and run it without grappler); the pre-activations (16 units) and postnorm are
        // written fused with their ReLU, as grappler's remapper would have made them
        assertThat(info.metaGraph(List.of(ServingSignature.TAG)).int8()).isTrue();
        assertThat(nodes.stream().filter(n -> n.getOp().equals("_FusedBatchNormEx")))
                .hasSize(16 + 1);
        // the quantized convolutions count the same multiply-adds as the fp32 network's Conv2D ops
        try (LoadedSavedModel m = LoadedSavedModel.load(exported.target());
                InferenceModel plain = InferenceModel.build(spec.network(), SEED, false)) {
            String logits = m.signature(null).outputs().get("logits").tensorName();
            assertThat(GraphStats.multiplyAddsPerImage(m.bundle().graph().outputOrThrow(logits)))
                    .hasValue(plain.model().multiplyAdds().orElseThrow());
        }
    }

    /** The reload check held the reloaded model to the in-memory int8 one exactly (bound 0). */
    @Test
    void the_reload_check_was_exact_and_the_fp32_error_is_reported() {
        for (String output : List.of("logits", "predictions", "features")) {
            assertThat(exported.tolerance().get(output)).as(output).isZero();
            assertThat(exported.maxAbsDiff().get(output)).as(output).isZero();
            assertThat(exported.tolerance().get("serving_bytes/" + output)).isZero();
        }
        ExportResult.Quantization q = exported.quantization().orElseThrow();
        // quantized, so not the fp32 values, and not garbage either: within the logits' own scale
        assertThat(q.fp32MaxAbsDiff().get("logits"))
                .isPositive()
                .isLessThan(q.fp32Scale().get("logits"));
        assertThat(q.checkImages()).isEqualTo(ExportSpec.DEFAULT_VERIFY_BATCH);
        assertThat(q.calibration()).isEqualTo("synthetic uniform [-1, 1), seed 3: 2 batches of 8 (16 images)");
        assertThat(q.leftFloat()).hasSize(2);
    }

    @Test
    void the_reloaded_export_reproduces_an_independent_in_memory_int8_model_exactly() {
        FloatValues images = FloatValues.uniform(Shape.of(3, 32, 32, 3), 77, -1f, 1f);
        List<byte[]> encoded = CheckImages.of(3, 32, 78);
        Map<String, FloatValues> want;
        Map<String, FloatValues> wantBytes;
        try (InferenceModel int8 = inMemoryInt8()) {
            want = int8.run(images);
            wantBytes = int8.runEncoded(encoded);
        }
        try (LoadedSavedModel loaded = LoadedSavedModel.load(exported.target())) {
            Map<String, FloatValues> got = loaded.run(ServingSignature.KEY, Map.of(ServingSignature.IMAGES, images));
            Map<String, FloatValues> gotBytes = loaded.runEncoded(ServingSignature.BYTES_KEY, encoded);
            for (String name : List.of("logits", "predictions", "features")) {
                assertThat(got.get(name)).as(name).isEqualTo(want.get(name));
                assertThat(gotBytes.get(name)).as("serving_bytes/" + name).isEqualTo(wantBytes.get(name));
            }
        }
    }

    /**
     * {@code withInt8Root}: the root conv1 runs in int8 too (53 quantized convolutions, only the logits float, a
     * {@code QuantizedMaxPool} for pool1), and the reload is still exact.
     */
    @Test
    void the_root_convolution_in_int8_when_asked() throws Exception {
        ExportResult root = SavedModels.export(spec.withInt8Root(true).withVersion(2));
        ExportResult.Quantization q = root.quantization().orElseThrow();
        assertThat(q.quantized()).isEqualTo(1 + 16 * 3 + 4);
        assertThat(q.leftFloat()).singleElement().asString().startsWith("resnet_v2/logits: ");
        SavedModel pb;
        try (InputStream in = Files.newInputStream(root.target().resolve(SavedModelInfo.SAVED_MODEL_PB))) {
            pb = SavedModel.parseFrom(in);
        }
        assertThat(pb.getMetaGraphs(0).getGraphDef().getNodeList())
                .anyMatch(n -> n.getOp().equals("QuantizedMaxPool"));
        assertThat(root.maxAbsDiff().get("logits")).isZero();
        assertThatThrownBy(() -> ExportSpec.of(TestNets.tinyNet(CLASSES), dir.resolve("x"))
                        .withInt8Root(true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("int8-root: only with precision int8");
    }

    @Test
    void int8_needs_the_folded_graph_and_a_calibration_folder_with_images() {
        assertThatThrownBy(() -> spec.withOptimize(false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("precision: int8 quantizes the folded graph");
        assertThatThrownBy(() -> ExportSpec.of(TestNets.tinyNet(CLASSES), dir.resolve("x"))
                        .withInt8(true, dir.resolve("no-such-folder"), 1)
                        .calibrationSet())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("calibration: ")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> SavedModels.export(ExportSpec.of(TestNets.tinyNet(CLASSES), dir.resolve("y"))
                        .withInt8(true, dir.resolve("no-such-folder"), 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("calibration: ");
        assertThat(Files.exists(dir.resolve("y"))).isFalse();
        assertThatThrownBy(() -> ExportSpec.of(TestNets.tinyNet(CLASSES), dir.resolve("x"))
                        .withInt8(true, null, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("calibration-batches: must be in 1..");
    }
}
