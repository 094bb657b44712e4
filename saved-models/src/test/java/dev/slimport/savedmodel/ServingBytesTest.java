/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.preprocess.EncodedImages;
import dev.slimport.resnet.preprocess.InceptionPreprocessing;
import dev.slimport.resnet.testing.EncodedTestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * The {@code serving_bytes} signature of exported tiny nets: encoded JPEG and PNG files of different sizes in, the same
 * outputs as {@code serving_default} fed the batch that slim's eval preprocessing makes of them. The reference
 * preprocessing runs here, image by image, in graphs of its own ({@link InceptionPreprocessing#evalFromEncoded} on a
 * scalar string, no loop), and is stacked in Java.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServingBytesTest {
    private static final int CLASSES = 7;
    private static final int SIZE = 48;

    /** PNG and JPEG files, smaller and larger than the image size, none of it square. */
    private static final List<byte[]> FILES = List.of(
            EncodedTestImages.jpeg(64, 40, 1),
            EncodedTestImages.png(37, 53, 2),
            EncodedTestImages.jpeg(97, 71, 3),
            EncodedTestImages.png(48, 48, 4),
            EncodedTestImages.png(20, 30, 5));

    private ExportResult plain;
    private ExportResult foldedDynamic;

    @BeforeAll
    void export(@TempDir Path dir) {
        plain = SavedModels.export(ExportSpec.of(TestNets.tinyNet(CLASSES, SIZE), dir.resolve("plain"))
                .withSeed(3));
        foldedDynamic = SavedModels.export(ExportSpec.of(TestNets.tinyNet(CLASSES, SIZE), dir.resolve("folded"))
                .withSeed(3)
                .withDynamicSize(true)
                .withOptimize(true));
    }

    /** The files preprocessed one by one, stacked to {@code [N, SIZE, SIZE, 3]}. */
    private static FloatValues preprocessedOneByOne(List<byte[]> files) {
        int per = SIZE * SIZE * 3;
        float[] all = new float[files.size() * per];
        for (int i = 0; i < files.size(); i++) {
            try (Graph g = new Graph()) {
                Ops tf = Ops.create(g);
                Placeholder<TString> one = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
                Operand<TFloat32> image = InceptionPreprocessing.evalFromEncoded(tf, one, SIZE, SIZE);
                try (Session s = new Session(g);
                        TString in = TString.tensorOfBytes(NdArrays.scalarOfObject(files.get(i)));
                        Result r = s.runner().feed(one, in).fetch(image).run()) {
                    FloatValues v = FloatValues.of((TFloat32) r.get(0));
                    assertThat(v.shape().asArray()).containsExactly(SIZE, SIZE, 3);
                    System.arraycopy(v.data(), 0, all, i * per, per);
                }
            }
        }
        return new FloatValues(Shape.of(files.size(), SIZE, SIZE, 3), all);
    }

    private static void assertSameOutputs(Map<String, FloatValues> got, Map<String, FloatValues> want, String what) {
        assertThat(got.keySet()).as(what).containsExactlyInAnyOrderElementsOf(want.keySet());
        want.forEach((name, w) -> {
            assertThat(got.get(name).shape().asArray())
                    .as(what + " " + name)
                    .containsExactly(w.shape().asArray());
            double scale = 1;
            for (float v : w.data()) {
                scale = Math.max(scale, Math.abs(v));
            }
            // The same network on the same batch; only the order of float operations may differ.
            assertThat(got.get(name).maxAbsDiff(w)).as(what + " " + name).isLessThanOrEqualTo(1e-5 * scale);
        });
    }

    @Test
    void serving_bytes_equals_serving_default_on_the_preprocessed_batch() {
        FloatValues batch = preprocessedOneByOne(FILES);
        for (ExportResult r : List.of(plain, foldedDynamic)) {
            try (LoadedSavedModel m = LoadedSavedModel.load(r.target())) {
                Map<String, FloatValues> bytes = m.runEncoded(ServingSignature.BYTES_KEY, FILES);
                Map<String, FloatValues> floats = m.run(ServingSignature.KEY, Map.of(ServingSignature.IMAGES, batch));
                assertSameOutputs(bytes, floats, r.target().toString());
                assertThat(bytes.get("logits").shape().asArray()).containsExactly(FILES.size(), CLASSES);
                // one image alone gives its row of the batch
                Map<String, FloatValues> third = m.runEncoded(null, FILES.subList(2, 3));
                float[] row = Arrays.copyOfRange(bytes.get("logits").data(), 2 * CLASSES, 3 * CLASSES);
                assertThat(new FloatValues(Shape.of(1, CLASSES), row).maxAbsDiff(third.get("logits")))
                        .isLessThanOrEqualTo(1e-5);
            }
        }
    }

    @Test
    void the_signature_is_declared_and_the_export_checked_it() {
        for (ExportResult r : List.of(plain, foldedDynamic)) {
            SignatureInfo b = r.bytesSignature();
            assertThat(b.key()).isEqualTo("serving_bytes");
            assertThat(b.methodName()).isEqualTo("tensorflow/serving/predict");
            assertThat(b.inputs()).containsOnlyKeys("image_bytes");
            assertThat(b.inputs().get("image_bytes").dtype()).isEqualTo(DataType.DT_STRING);
            assertThat(b.inputs().get("image_bytes").shape().asArray()).containsExactly(-1);
            assertThat(b.inputs().get("image_bytes").tensorName()).isEqualTo("image_bytes:0");
            assertThat(b.outputs()).isEqualTo(r.signature().outputs());
            assertThat(r.maxAbsDiff()).containsKeys("serving_bytes/logits", "serving_bytes=serving_default/logits");
            assertThat(r.maxAbsDiff().get("serving_bytes=serving_default/logits"))
                    .isLessThanOrEqualTo(SavedModelExporter.TOLERANCE);
        }
        assertThat(plain.signature().inputs().get("images").shape().asArray()).containsExactly(-1, SIZE, SIZE, 3);
        assertThat(foldedDynamic.signature().inputs().get("images").shape().asArray())
                .containsExactly(-1, -1, -1, 3);
    }

    @Test
    void the_graph_holds_the_loop_and_its_per_image_function() throws Exception {
        SavedModel sm = SavedModel.parseFrom(Files.readAllBytes(plain.target().resolve("saved_model.pb")));
        var graph = sm.getMetaGraphs(0).getGraphDef();
        List<String> functions = graph.getLibrary().getFunctionList().stream()
                .map(FunctionDef::getSignature)
                .map(s -> s.getName())
                .toList();
        assertThat(functions)
                .anySatisfy(n -> assertThat(n).startsWith(EncodedImages.EVAL_FUNCTION + "_" + SIZE + "x" + SIZE));
        assertThat(graph.getNodeList())
                .extracting(n -> n.getOp())
                .contains("TensorSliceDataset", "ParallelMapDatasetV2", "BatchDatasetV2", "DatasetToSingleElement")
                .doesNotContain("PyFunc", "EagerPyFunc");
        assertThat(graph.getNodeList())
                .filteredOn(n -> n.getName().equals("images"))
                .extracting(n -> n.getOp())
                .containsExactly("PlaceholderWithDefault");
    }

    @Test
    void reloads_through_SavedModelBundle_and_calls_by_signature() {
        FloatValues expected;
        try (LoadedSavedModel m = LoadedSavedModel.load(plain.target())) {
            expected = m.runEncoded(ServingSignature.BYTES_KEY, FILES).get("predictions");
        }
        try (SavedModelBundle b = SavedModelBundle.load(plain.target().toString(), "serve");
                TString in = EncodedTestImages.tensor(FILES);
                Result r = b.function("serving_bytes").call(Map.of("image_bytes", in))) {
            FloatValues p = FloatValues.of((TFloat32) r.get("predictions").orElseThrow());
            assertThat(p.maxAbsDiff(expected)).isLessThanOrEqualTo(1e-6);
            for (int i = 0; i < FILES.size(); i++) {
                double sum = 0;
                for (int j = 0; j < CLASSES; j++) {
                    sum += p.data()[i * CLASSES + j];
                }
                assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
            }
        }
    }

    @Test
    void a_corrupt_image_in_the_batch_gives_a_clear_error() {
        List<byte[]> bad = List.of(FILES.get(0), "not an image".getBytes(StandardCharsets.UTF_8), FILES.get(1));
        List<byte[]> truncated = List.of(FILES.get(1), Arrays.copyOf(FILES.get(0), FILES.get(0).length / 3));
        try (LoadedSavedModel m = LoadedSavedModel.load(plain.target())) {
            assertThatThrownBy(() -> m.runEncoded(ServingSignature.BYTES_KEY, bad))
                    .isInstanceOf(SavedModelException.class)
                    .hasMessageContaining("running signature 'serving_bytes'")
                    .hasMessageContaining("Unknown image file format. One of JPEG, PNG, GIF, BMP required.");
            assertThatThrownBy(() -> m.runEncoded(ServingSignature.BYTES_KEY, truncated))
                    .isInstanceOf(SavedModelException.class)
                    .hasMessageContaining("running signature 'serving_bytes'");
            assertThatThrownBy(() -> m.runEncoded(ServingSignature.BYTES_KEY, List.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("image_bytes: at least one encoded image is needed");
            assertThatThrownBy(() -> m.runEncoded(ServingSignature.KEY, FILES))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("encoded images need a signature with one string [-1] input");
            assertThatThrownBy(() -> m.run(
                            ServingSignature.BYTES_KEY,
                            Map.of("image_bytes", FloatValues.uniform(Shape.of(1), 0, 0, 1))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("runEncoded");
            // the model still serves after the failures
            assertThat(m.runEncoded(ServingSignature.BYTES_KEY, FILES.subList(0, 1))
                            .get("logits")
                            .shape()
                            .asArray())
                    .containsExactly(1, CLASSES);
        }
    }

    @Test
    void verify_feeds_encoded_images_to_serving_bytes() {
        VerifyResult v = SavedModels.verify(new VerifySpec(plain.target(), "serving_bytes", 3, SIZE, 5));
        assertThat(v.signatureKey()).isEqualTo("serving_bytes");
        assertThat(v.fed().get("image_bytes").asArray()).containsExactly(3);
        assertThat(v.outputs())
                .extracting(VerifyResult.OutputSummary::name)
                .containsExactly("features", "logits", "predictions");
        assertThat(v.outputs().get(1).shape().asArray()).containsExactly(3, CLASSES);
        assertThat(v.allFinite()).isTrue();
    }
}
