/*
 * Copyright 2026 The slimport Authors.
 * Licensed under the Apache License, Version 2.0; see the LICENSE file.
 */
package dev.slimport.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slimport.resnet.net.Depth;
import dev.slimport.resnet.net.NetworkSpec;
import dev.slimport.resnet.testing.Nhwc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;

/**
 * Restore by slim name: model A (seed 1) is saved with {@code Session.save}; models built with seed 2 restore it,
 * with and without excludes. Expected values are A's own variables and outputs, and B's values before the restore.
 *
 * <p>Restored variables are compared exactly: a restore copies the saved bytes. Outputs of a restored model are
 * compared exactly with A's too: in one process, an identically built graph with bit-identical variables runs the
 * same kernels on the same thread pools, which is deterministic; a difference would mean a variable was not
 * restored. The SavedModel exported from the checkpoint is compared with the plain-Java reference forward of the
 * checkpoint's values instead ({@link JavaReference}), within float32 round-off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckpointRestoreTest {
    private static final String LOGITS = "resnet_v2/logits";
    private static final List<String> LOGITS_VARS = List.of(LOGITS + "/weights", LOGITS + "/biases");
    private static final FloatValues IMAGES = FloatValues.uniform(Shape.of(2, 32, 32, 3), 3, -1f, 1f);

    private Path dir;
    private Path ckptA;
    private Map<String, FloatValues> varsA;
    private Map<String, FloatValues> outA;

    @BeforeAll
    void saveModelA(@TempDir Path shared) throws Exception {
        dir = shared;
        ckptA = TestNets.saveCheckpoint(TestNets.tinyNet(10), 1, dir.resolve("a/model.ckpt"), a -> {
            varsA = values(a);
            outA = a.run(IMAGES);
        });
    }

    @Test
    void restoring_into_a_model_with_another_seed_reproduces_it_exactly() {
        try (InferenceModel b = InferenceModel.build(TestNets.tinyNet(10), 2, false)) {
            b.initialize();
            Map<String, FloatValues> before = values(b);
            assertThat(before.get("resnet_v2/conv1/weights").maxAbsDiff(varsA.get("resnet_v2/conv1/weights")))
                    .isGreaterThan(1e-3);
            assertThat(b.run(IMAGES).get("logits").maxAbsDiff(outA.get("logits")))
                    .isGreaterThan(1e-3);

            RestoreResult r = b.restore(ckptA, List.of());
            assertThat(r.restored()).containsExactlyElementsOf(varsA.keySet());
            assertThat(r.excluded()).isEmpty();
            assertThat(r.unusedKeys()).isEmpty();
            Map<String, FloatValues> after = values(b);
            for (String name : varsA.keySet()) {
                assertThat(after.get(name).maxAbsDiff(varsA.get(name))).as(name).isZero();
            }
            Map<String, FloatValues> out = b.run(IMAGES);
            for (String name : outA.keySet()) {
                assertThat(out.get(name).maxAbsDiff(outA.get(name))).as(name).isZero();
            }
        }
    }

    @Test
    void excluding_the_logits_keeps_their_initializers_and_restores_the_rest() {
        try (InferenceModel b = InferenceModel.build(TestNets.tinyNet(10), 2, false)) {
            Map<String, FloatValues> before = values(b);
            RestoreResult r = b.restore(ckptA, List.of(LOGITS));
            assertThat(r.excluded()).containsExactlyElementsOf(LOGITS_VARS);
            assertThat(r.unusedKeys()).containsExactlyInAnyOrderElementsOf(LOGITS_VARS);
            assertThat(r.restored()).hasSize(varsA.size() - 2).doesNotContainAnyElementsOf(LOGITS_VARS);
            Map<String, FloatValues> after = values(b);
            for (String name : after.keySet()) {
                FloatValues want = LOGITS_VARS.contains(name) ? before.get(name) : varsA.get(name);
                assertThat(after.get(name).maxAbsDiff(want)).as(name).isZero();
            }
            Map<String, FloatValues> out = b.run(IMAGES);
            assertThat(out.get("features").maxAbsDiff(outA.get("features"))).isZero();
            assertThat(out.get("logits").maxAbsDiff(outA.get("logits"))).isGreaterThan(1e-3);
        }
    }

    @Test
    void fine_tuning_to_another_class_count_restores_everything_but_the_excluded_logits() {
        try (InferenceModel b = InferenceModel.build(TestNets.tinyNet(5), 2, false)) {
            RestoreResult r = b.restore(ckptA, List.of(LOGITS));
            assertThat(r.restored()).hasSize(varsA.size() - 2);
            Map<String, FloatValues> out = b.run(IMAGES);
            assertThat(out.get("features").maxAbsDiff(outA.get("features"))).isZero();
            assertThat(out.get("logits").shape().asArray()).containsExactly(2, 5);
        }
    }

    @Test
    void another_shape_is_listed_with_both_shapes_and_nothing_is_restored() {
        try (InferenceModel b = InferenceModel.build(TestNets.tinyNet(5), 2, false)) {
            Map<String, FloatValues> before = values(b);
            assertThatThrownBy(() -> b.restore(ckptA, List.of()))
                    .isInstanceOf(CheckpointMismatchException.class)
                    .hasMessageContaining("0 variable(s) missing, 2 with another shape or dtype")
                    .hasMessageContaining(
                            "mismatch: resnet_v2/logits/weights model float32 [1,1,32,5], checkpoint float32"
                                    + " [1,1,32,10]")
                    .hasMessageContaining(
                            "mismatch: resnet_v2/logits/biases model float32 [5], checkpoint float32 [10]")
                    .hasMessageContaining("exclude their scope(s): resnet_v2/logits")
                    .satisfies(e -> {
                        CheckpointMismatchException m = (CheckpointMismatchException) e;
                        assertThat(m.missing()).isEmpty();
                        assertThat(m.mismatched())
                                .extracting(CheckpointMismatchException.Mismatch::name)
                                .containsExactlyElementsOf(LOGITS_VARS);
                    });
            Map<String, FloatValues> after = values(b);
            for (String name : before.keySet()) {
                assertThat(after.get(name).maxAbsDiff(before.get(name)))
                        .as(name)
                        .isZero();
            }
        }
    }

    @Test
    void missing_variables_are_listed_with_the_model_shapes() throws Exception {
        Path featuresOnly =
                TestNets.saveCheckpoint(TestNets.tinyNet(0), 1, dir.resolve("features/model.ckpt"), c -> {});
        try (InferenceModel b = InferenceModel.build(TestNets.tinyNet(10), 2, false)) {
            assertThatThrownBy(() -> b.restore(featuresOnly, List.of()))
                    .isInstanceOf(CheckpointMismatchException.class)
                    .hasMessageContaining("2 variable(s) missing, 0 with another shape")
                    .hasMessageContaining("missing:  resnet_v2/logits/weights (model float32 [1,1,32,10])")
                    .hasMessageContaining("missing:  resnet_v2/logits/biases (model float32 [10])");
        }
    }

    @Test
    void a_deeper_block_table_lists_every_unit_the_checkpoint_lacks() {
        // resnet_v2_101's table has 23 units in block3, resnet_v2_50's 6: units 7..23 are missing, 16 variables each
        // (preact: beta, gamma, moving mean/variance; conv1 and conv2: weights + 4 BatchNorm; conv3: weights, biases).
        NetworkSpec deeper = NetworkSpec.custom("resnet_v2", Depth.D101.blocks(1))
                .withNumClasses(10)
                .withImageSize(32);
        try (InferenceModel b = InferenceModel.build(deeper, 2, false)) {
            assertThatThrownBy(() -> b.restore(ckptA, List.of()))
                    .isInstanceOfSatisfying(CheckpointMismatchException.class, e -> {
                        assertThat(e.missing()).hasSize(17 * 16);
                        assertThat(e.mismatched()).isEmpty();
                        assertThat(e.missing())
                                .allSatisfy(m -> assertThat(m.name())
                                        .matches("resnet_v2/block3/unit_(7|8|9|1[0-9]|2[0-3])/bottleneck_v2/.*"));
                    })
                    .hasMessageContaining(
                            "missing:  resnet_v2/block3/unit_23/bottleneck_v2/conv3/weights (model float32"
                                    + " [1,1,4,16])");
        }
    }

    @Test
    void a_checkpoint_of_another_scope_says_so() {
        NetworkSpec other = NetworkSpec.custom("other_net", Depth.D50.blocks(1))
                .withNumClasses(10)
                .withImageSize(32);
        try (InferenceModel b = InferenceModel.build(other, 2, false)) {
            assertThatThrownBy(() -> b.restore(ckptA, List.of()))
                    .isInstanceOf(CheckpointMismatchException.class)
                    .hasMessageContaining("no model variable is in the checkpoint")
                    .hasMessageContaining("Its keys start with: resnet_v2");
        }
    }

    @Test
    void listing_a_checkpoint_gives_every_variable_with_its_shape() {
        List<CheckpointEntry> entries = SavedModels.listCheckpoint(ckptA);
        assertThat(entries)
                .extracting(CheckpointEntry::name)
                .containsExactlyElementsOf(varsA.keySet().stream().sorted().toList());
        for (CheckpointEntry e : entries) {
            assertThat(e.dtype()).isEqualTo(DataType.DT_FLOAT);
            assertThat(e.shape().asArray())
                    .as(e.name())
                    .isEqualTo(varsA.get(e.name()).shape().asArray());
        }
        assertThat(entries.stream()
                        .filter(e -> e.name().equals("resnet_v2/conv1/weights"))
                        .findFirst()
                        .orElseThrow())
                .hasToString("resnet_v2/conv1/weights float32 [7,7,3,64]");
    }

    @Test
    void a_v1_format_checkpoint_like_the_official_2017_files_restores_too() throws Exception {
        Path v1 = dir.resolve("v1/model.ckpt");
        Files.createDirectories(v1.getParent());
        writeV1Checkpoint(v1, varsA);
        assertThat(Files.isRegularFile(v1)).isTrue();
        assertThat(Files.exists(dir.resolve("v1/model.ckpt.index"))).isFalse();
        try (InferenceModel b = InferenceModel.build(TestNets.tinyNet(10), 2, false)) {
            b.restore(v1, List.of());
            Map<String, FloatValues> out = b.run(IMAGES);
            assertThat(out.get("logits").maxAbsDiff(outA.get("logits"))).isZero();
        }
    }

    @Test
    void an_export_from_the_checkpoint_serves_model_a() {
        ExportResult r = SavedModels.export(ExportSpec.of(TestNets.tinyNet(10), dir.resolve("export"))
                .withSeed(2)
                .withCheckpoint(ckptA, List.of()));
        assertThat(r.restore())
                .hasValueSatisfying(res -> assertThat(res.restored()).hasSize(varsA.size()));
        Map<String, Nhwc> ckpt = JavaReference.read(ckptA);
        Map<String, FloatValues> want = JavaReference.forward(ckpt, "resnet_v2", TestNets.TINY_TABLE, 10, IMAGES)
                .outputs();
        double bound = JavaReference.roundOffBound(ckpt, 1, JavaReference.scale(want));
        try (LoadedSavedModel m = LoadedSavedModel.load(r.target())) {
            Map<String, FloatValues> out = m.run("serving_default", Map.of("images", IMAGES));
            assertThat(out.keySet()).containsExactlyInAnyOrderElementsOf(want.keySet());
            for (String name : want.keySet()) {
                assertThat(out.get(name).maxAbsDiff(want.get(name))).as(name).isLessThanOrEqualTo(bound);
            }
        }
    }

    @Test
    void bad_prefixes_and_excludes_are_argument_errors_naming_the_problem() throws Exception {
        try (InferenceModel b = InferenceModel.build(TestNets.tinyNet(10), 2, false)) {
            assertThatThrownBy(() -> b.restore(dir.resolve("nope/model.ckpt"), List.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("checkpoint: no checkpoint at prefix")
                    .hasMessageContaining("model.ckpt.index (V2 format)");
            assertThatThrownBy(() -> b.restore(dir.resolve("a/model.ckpt.index"), List.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("without the .index/.data-* suffix, e.g. "
                            + ckptA.toAbsolutePath().normalize());
            assertThatThrownBy(() -> b.restore(dir.resolve("a"), List.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is a directory");
            assertThatThrownBy(() -> b.restore(ckptA, List.of("resnet_v2/logit_typo")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("exclude: 'resnet_v2/logit_typo' matches no model variable");
            assertThatThrownBy(() -> b.restore(ckptA, List.of(" ")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("exclude: a scope must not be empty");
            Path corrupt = dir.resolve("corrupt/model.ckpt");
            Files.createDirectories(corrupt.getParent());
            Files.writeString(corrupt.resolveSibling("model.ckpt.index"), "not an index");
            assertThatThrownBy(() -> b.restore(corrupt, List.of()))
                    .isInstanceOf(SavedModelException.class)
                    .hasMessageContaining("cannot be read");
        }
    }

    /** Writes {@code values} with TensorFlow's V1 {@code Save} op (one file at {@code path}, no index). */
    private static void writeV1Checkpoint(Path path, Map<String, FloatValues> values) {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            List<Output<?>> data = new ArrayList<>();
            for (FloatValues v : values.values()) {
                data.add(tf.constant(v.shape(), DataBuffers.of(v.data(), true, false))
                        .asOutput());
            }
            g.opBuilder("Save", "save_v1", tf.scope())
                    .addInput(tf.constant(path.toString()).asOutput())
                    .addInput(tf.constant(StdArrays.ndCopyOf(values.keySet().toArray(new String[0])))
                            .asOutput())
                    .addInputList(data.toArray(new Output<?>[0]))
                    .build();
            s.runner().addTarget("save_v1").run().close();
        }
    }

    /** The current values of all model variables by name, in model order. */
    private static Map<String, FloatValues> values(InferenceModel m) {
        Map<String, FloatValues> out = new LinkedHashMap<>();
        m.weights().values().forEach((name, v) -> out.put(name, new FloatValues(v.shape(), v.data())));
        return out;
    }
}
