/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.testing.BatchNorms;
import dev.slimport.resnet.testing.Nhwc;
import dev.slimport.resnet.testing.TestFiles;
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
 * The optimized export ({@code optimize}: batch norms folded) of slim's tiny net, restored from a checkpoint whose
 * batch-norm variables hold random values (so folding is far from the identity). The reference is independent of
 * the library: resnet-graph's plain-Java forward fed with the checkpoint's values ({@link JavaReference}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FoldedExportTest {
    private static final int CLASSES = 10;

    private Path dir;
    private Path ckpt;
    private ExportResult exported;
    /** The checkpoint's values, read back with the checkpoint reader. */
    private Map<String, Nhwc> ckptValues;

    @BeforeAll
    void exportFolded(@TempDir Path shared) throws Exception {
        dir = shared;
        ckpt = TestNets.saveCheckpoint(
                TestNets.tinyNet(CLASSES),
                1,
                dir.resolve("ckpt/model.ckpt"),
                a -> BatchNorms.randomize(
                        a.model().graph(), a.session(), a.model().variables(), 5, BatchNorms.WIDE));
        exported = SavedModels.export(ExportSpec.of(TestNets.tinyNet(CLASSES), dir.resolve("folded"))
                .withSeed(2)
                .withCheckpoint(ckpt, List.of())
                .withOptimize(true));
        ckptValues = JavaReference.read(ckpt);
    }

    /** The plain-Java forward of the checkpoint's (unfolded) values: the reference. */
    private Map<String, FloatValues> reference(FloatValues images) {
        return JavaReference.forward(ckptValues, "resnet_v2", TestNets.TINY_TABLE, CLASSES, images)
                .outputs();
    }

    @Test
    void reloaded_folded_outputs_match_the_plain_java_forward_of_the_checkpoint_within_float32_round_off() {
        FloatValues images = FloatValues.uniform(Shape.of(3, 32, 32, 3), 11, -1f, 1f);
        Map<String, FloatValues> want = reference(images);
        Map<String, FloatValues> seeded;
        try (InferenceModel plain = InferenceModel.build(TestNets.tinyNet(CLASSES), 1, false)) {
            plain.initialize();
            seeded = plain.run(images);
        }
        double bound = JavaReference.roundOffBound(ckptValues, 1, JavaReference.scale(want));
        // The random statistics matter: the same weights with slim's initial statistics give other logits, by far
        // more than the bound.
        assertThat(seeded.get("logits").maxAbsDiff(want.get("logits"))).isGreaterThan(100 * bound);
        try (LoadedSavedModel loaded = LoadedSavedModel.load(exported.target())) {
            Map<String, FloatValues> got = loaded.run("serving_default", Map.of("images", images));
            assertThat(got.keySet()).containsExactlyInAnyOrder("logits", "predictions", "features");
            for (String name : want.keySet()) {
                assertThat(got.get(name).maxAbsDiff(want.get(name))).as(name).isLessThanOrEqualTo(bound);
            }
        }
        assertThat(exported.folding()).isPresent();
        assertThat(exported.maxAbsDiff()).containsOnlyKeys(TinyRoundTripTest.CHECKED);
    }

    @Test
    void the_export_is_the_folded_graph_no_batch_norm_after_a_convolution() throws Exception {
        List<CheckpointEntry> vars =
                SavedModels.listCheckpoint(exported.target().resolve("variables/variables"));
        List<String> names = vars.stream().map(CheckpointEntry::name).toList();
        // the convolutions' batch norms are folded away; preact and postnorm (after no convolution) stay
        assertThat(names)
                .isNotEmpty()
                .noneMatch(n -> n.contains("BatchNorm"))
                .allMatch(n -> !n.contains("moving_") || n.contains("/preact/") || n.contains("/postnorm/"))
                .contains(
                        "resnet_v2/block1/unit_1/bottleneck_v2/conv1/biases",
                        "resnet_v2/postnorm/moving_mean",
                        "resnet_v2/block1/unit_1/bottleneck_v2/preact/gamma",
                        "resnet_v2/logits/weights");
        SavedModel proto;
        try (InputStream in = Files.newInputStream(exported.target().resolve("saved_model.pb"))) {
            proto = SavedModel.parseFrom(in);
        }
        List<NodeDef> nodes = proto.getMetaGraphs(0).getGraphDef().getNodeList();
        assertThat(nodes).extracting(NodeDef::getOp).contains("Conv2D");
        assertThat(nodes.stream()
                        .filter(n -> n.getOp().startsWith("FusedBatchNorm"))
                        .map(NodeDef::getName))
                .isNotEmpty()
                .allMatch(n -> n.endsWith("/preact/FusedBatchNormV3") || n.endsWith("/postnorm/FusedBatchNormV3"));

        List<CheckpointEntry> source = SavedModels.listCheckpoint(ckpt);
        long sourceParameters = source.stream().mapToLong(e -> e.shape().size()).sum();
        long parameters = vars.stream().mapToLong(e -> e.shape().size()).sum();
        assertThat(exported.variableCount()).isEqualTo(vars.size());
        assertThat(exported.parameterCount()).isEqualTo(parameters).isLessThan(sourceParameters);
        ExportResult.Folding folding = exported.folding().orElseThrow();
        assertThat(folding.sourceVariableCount()).isEqualTo(source.size());
        assertThat(folding.sourceParameterCount()).isEqualTo(sourceParameters);
        // Every BatchNorm scope of the checkpoint (a convolution's batch norm, 4 variables) was folded.
        assertThat(folding.batchNorms() * 4L)
                .isEqualTo(source.stream()
                        .filter(e -> e.name().contains("/BatchNorm/"))
                        .count());
    }

    @Test
    void a_folded_reload_that_does_not_reproduce_the_unfolded_model_is_not_installed() throws Exception {
        // Another seed's folded variables: the same names and shapes, other values.
        Path other = Files.createDirectories(dir.resolve("other"));
        try (InferenceModel seed9 = InferenceModel.build(TestNets.tinyNet(CLASSES), 9, false)) {
            seed9.initialize();
            try (InferenceModel folded =
                    InferenceModel.buildFolded(TestNets.tinyNet(CLASSES), false, seed9.weights())) {
                folded.initialize();
                folded.save(other.resolve("variables"));
            }
        }
        Path out = dir.resolve("swapped");
        // Swap in another seed's variables after writing.
        SavedModelExporter exporter = TestNets.swappingVariables(other);
        assertThatThrownBy(() -> exporter.export(ExportSpec.of(TestNets.tinyNet(CLASSES), out)
                        .withSeed(2)
                        .withCheckpoint(ckpt, List.of())
                        .withOptimize(true)))
                .isInstanceOf(SavedModelException.class)
                .hasMessageContaining("does not reproduce the unfolded model")
                .hasMessageContaining("logits max |Δ|");
        assertThat(TestFiles.children(out)).isEmpty();
    }
}
