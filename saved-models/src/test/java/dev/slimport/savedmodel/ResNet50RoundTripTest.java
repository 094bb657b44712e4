/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;

/** The full-depth resnet_v2_50 (1001 classes) exported at 64×64 and reloaded. */
class ResNet50RoundTripTest {

    @Test
    void export_and_reload_reproduce_a_fresh_model_at_batch_1_and_3(@TempDir Path dir) throws Exception {
        NetworkSpec spec = NetworkSpec.of(Depth.D50).withNumClasses(1001).withImageSize(64);
        ExportResult r = SavedModels.export(
                ExportSpec.of(spec, dir.resolve("resnet_v2_50")).withSeed(3));

        SignatureInfo sig = r.signature();
        assertThat(sig.key()).isEqualTo("serving_default");
        assertThat(sig.methodName()).isEqualTo("tensorflow/serving/predict");
        assertThat(Dtypes.shape(sig.inputs().get("images").shape())).isEqualTo("[-1,64,64,3]");
        assertThat(Dtypes.shape(sig.outputs().get("logits").shape())).isEqualTo("[-1,1001]");
        assertThat(Dtypes.shape(sig.outputs().get("predictions").shape())).isEqualTo("[-1,1001]");
        assertThat(Dtypes.shape(sig.outputs().get("features").shape())).isEqualTo("[-1,2048]");

        // slim's resnet_v2_50 checkpoint has 272 keys; the data file is the raw float32 values of all of them.
        List<CheckpointEntry> entries = SavedModels.listCheckpoint(r.target().resolve("variables/variables"));
        assertThat(entries).hasSize(272);
        assertThat(r.variableCount()).isEqualTo(272);
        long scalars = entries.stream().mapToLong(e -> e.shape().size()).sum();
        assertThat(r.parameterCount()).isEqualTo(scalars);
        // Keras' ResNet50V2 (a port of the same slim architecture) publishes 25,613,800 parameters for 1000 classes;
        // the 1001st class adds 2048 weights and 1 bias.
        assertThat(scalars).isEqualTo(25_613_800L + 2048 + 1);
        assertThat(Files.size(r.target().resolve("variables/variables.data-00000-of-00001")))
                .isEqualTo(4 * scalars);
        assertThat(entries)
                .filteredOn(e -> e.name().equals("resnet_v2_50/logits/weights"))
                .singleElement()
                .hasToString("resnet_v2_50/logits/weights float32 [1,1,2048,1001]");

        try (InferenceModel fresh = InferenceModel.build(spec, 3, false);
                LoadedSavedModel loaded = LoadedSavedModel.load(dir.resolve("resnet_v2_50"))) {
            for (int batch : new int[] {1, 3}) {
                FloatValues images = FloatValues.uniform(Shape.of(batch, 64, 64, 3), batch, -1f, 1f);
                Map<String, FloatValues> want = fresh.run(images);
                Map<String, FloatValues> got = loaded.run("serving_default", Map.of("images", images));
                // Exact: in one process, the reloaded GraphDef and a fresh build with the same seed hold bit-identical
                // variables (the seeded initializers are stateless) and run the same kernels on the same thread pools,
                // so a
                // faithful reload reproduces the outputs bit for bit. (The independent check of the values, against the
                // plain-Java reference forward, is TinyRoundTripTest's, on a net small enough for it.)
                for (String name : want.keySet()) {
                    assertThat(got.get(name).maxAbsDiff(want.get(name)))
                            .as(name + " batch " + batch)
                            .isZero();
                }
                assertThat(got.get("logits").shape().asArray()).containsExactly(batch, 1001);
                assertThat(got.get("features").shape().asArray()).containsExactly(batch, 2048);
            }
        }
    }
}
